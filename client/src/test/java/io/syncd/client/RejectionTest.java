package io.syncd.client;

import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static io.syncd.client.Records.note;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OpenIssue;
import io.syncd.client.store.OutboxEntry;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ObjectNode;

/** A rejection as the app sees it: an {@code immutable_field} one names the parent field the server named. */
class RejectionTest {
    private final Clock clock = Clock.systemUTC();
    private LocalStore store;
    private LocalEdits edits;

    @BeforeEach
    void open(@TempDir Path dir) {
        store = LocalStore.open(dir.resolve("device.db"));
        edits = new LocalEdits(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Rejection rejected(SyncTable table, ObjectNode data, String code) {
        String id = newId();
        store.inTransaction(() -> edits.put(table, id, data));
        OutboxEntry sent = store.inTransaction(() -> store.outbox().all().stream()
                .filter(e -> e.recordId().equals(id)).findFirst().orElseThrow());
        store.inTransaction(() -> new DecisionApplier(store, clock).apply(sent, new ChangeResult(sent.changeId(),
                "rejected", table.wireName(), id, null, null, code, "from the server")));
        List<OpenIssue> issues = store.inTransaction(() -> store.conflicts().list(OpenIssue.REJECTED));
        OpenIssue issue = issues.stream().filter(i -> i.recordId().equals(id)).findFirst().orElseThrow();
        return store.inTransaction(() -> new ConflictChoices(store, SyncOptions.defaults()).rejection(issue));
    }

    @Test
    void anImmutableFieldRejectionNamesTheTablesParentFieldAndOthersNameNone() {
        Rejection movedEvent = rejected(SyncTable.EVENTS, event(newId(), "moved"), "immutable_field");
        Rejection movedNote = rejected(SyncTable.NOTES, note(newId()), "immutable_field");
        Rejection orphan = rejected(SyncTable.EVENTS, event(newId(), "orphan"), "missing_parent");

        assertThat(movedEvent.code()).isEqualTo("immutable_field");
        assertThat(movedEvent.field()).isEqualTo("book_id");
        assertThat(movedEvent.localData().get("name").stringValue()).as("the local edit is kept").isEqualTo("moved");
        assertThat(movedNote.field()).isEqualTo("event_id");
        assertThat(orphan.field()).isNull();
    }
}

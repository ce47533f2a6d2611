package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OutboxEntry;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ObjectNode;

/** Choosing a resolution, offline: it becomes an outbox change with a new id, based on the server's version. */
class ConflictChoicesTest {
    private final Clock clock = Clock.systemUTC();
    private final String id = newId();
    private LocalStore store;
    private LocalEdits edits;
    private ConflictChoices choices;
    private String conflictId;

    @BeforeEach
    void conflict(@TempDir Path dir) {
        store = LocalStore.open(dir.resolve("device.db"));
        edits = new LocalEdits(store, clock);
        choices = new ConflictChoices(store, SyncOptions.defaults());
        store.inTransaction(() -> edits.put(SyncTable.BOOKS, id, book("local edit")));
        OutboxEntry sent = store.inTransaction(() -> store.outbox().all().get(0));
        ObjectNode server = Json.MAPPER.createObjectNode().put("table", "books").put("record_id", id)
                .put("version", 4).put("is_deleted", false);
        server.putObject("data").put("name", "server edit").put("archived", false);
        store.inTransaction(() -> new DecisionApplier(store, clock).apply(sent,
                new ChangeResult(sent.changeId(), "conflict", "books", id, null, server, null, null)));
        conflictId = sent.changeId();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<OutboxEntry> outbox() {
        return store.inTransaction(() -> store.outbox().all());
    }

    @Test
    void aResolutionIsANewChangeOnTheServersVersionCarryingTheLocalRow() {
        OutboxEntry resolution = choices.choose(conflictId, Resolution.USE_LOCAL, null);

        assertThat(resolution.changeId()).isNotEqualTo(conflictId);
        assertThat(java.util.UUID.fromString(resolution.changeId()).version()).as("time-ordered").isEqualTo(7);
        assertThat(resolution.resolution()).isEqualTo(Resolution.USE_LOCAL);
        assertThat(resolution.baseVersion()).isEqualTo(4);
        assertThat(Json.MAPPER.readTree(resolution.data()).get("name").stringValue()).isEqualTo("local edit");
        assertThat(store.inTransaction(() -> store.conflicts().byChangeId(conflictId).orElseThrow().resolvingChangeId()))
                .isEqualTo(resolution.changeId());
    }

    @Test
    void anUnsentChoiceCanBeReplacedAndAMergeBecomesTheLocalRow() {
        choices.choose(conflictId, Resolution.USE_SERVER, null);
        OutboxEntry merge = choices.choose(conflictId, Resolution.MERGE, book("merged"));

        assertThat(outbox()).containsExactly(merge);
        assertThat(store.inTransaction(() -> store.records().find(SyncTable.BOOKS, id).orElseThrow()).data()
                .get("name").stringValue()).isEqualTo("merged");
    }

    @Test
    void aSentChoiceCannotBeChangedBeforeItsDecisionIsKnown() {
        OutboxEntry resolution = choices.choose(conflictId, Resolution.USE_LOCAL, null);
        store.inTransaction(() -> {
            store.outbox().markSent(resolution.seq(), clock.instant());
            return null;
        });

        assertThatThrownBy(() -> choices.choose(conflictId, Resolution.USE_SERVER, null))
                .isInstanceOf(SyncException.class).hasMessageContaining("was sent already");
    }

    @Test
    void useLocalAndUseServerTakeNoDataAndMergeNeedsValidData() {
        assertThatThrownBy(() -> choices.choose(conflictId, Resolution.USE_LOCAL, book("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> choices.choose(conflictId, Resolution.MERGE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> choices.choose(conflictId, Resolution.MERGE, book("")))
                .isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> choices.choose(newId(), Resolution.USE_SERVER, null))
                .isInstanceOf(RecordNotFoundException.class);
        assertThat(outbox()).isEmpty();
    }
}

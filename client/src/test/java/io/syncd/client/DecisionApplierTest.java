package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
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
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ObjectNode;

/** How each of the server's decisions changes the local store (no server: the answers are made up here). */
class DecisionApplierTest {
    private static final SyncTable BOOKS = SyncTable.BOOKS;
    private final Clock clock = Clock.systemUTC();
    private LocalStore store;
    private LocalEdits edits;
    private DecisionApplier decisions;
    private final String id = newId();

    @BeforeEach
    void open(@TempDir Path dir) {
        store = LocalStore.open(dir.resolve("device.db"));
        edits = new LocalEdits(store, clock);
        decisions = new DecisionApplier(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void put(String name) {
        store.inTransaction(() -> edits.put(BOOKS, id, book(name)));
    }

    private OutboxEntry send() {
        return store.inTransaction(() -> {
            OutboxEntry entry = store.outbox().sendable(1).get(0);
            store.outbox().markSent(entry.seq(), clock.instant());
            return store.outbox().byChangeId(entry.changeId()).orElseThrow();
        });
    }

    private void decide(OutboxEntry entry, String status, Long version, ObjectNode serverRecord) {
        store.inTransaction(() -> decisions.apply(entry, new ChangeResult(entry.changeId(), status, "books", id,
                version, serverRecord, "rejected".equals(status) ? "missing_parent" : null, null)));
    }

    private LocalRecord row() {
        return store.inTransaction(() -> store.records().find(BOOKS, id).orElseThrow());
    }

    private List<OutboxEntry> outbox() {
        return store.inTransaction(() -> store.outbox().all());
    }

    private static ObjectNode serverBook(String recordId, long version, String name) {
        ObjectNode record = Json.MAPPER.createObjectNode().put("table", "books").put("record_id", recordId)
                .put("version", version).put("is_deleted", false);
        record.putObject("data").put("name", name).put("archived", false);
        return record;
    }

    @Test
    void appliedTakesTheServerVersionAndTheRecordIsCleanAgain() {
        put("Clinic A");
        decide(send(), "applied", 1L, null);

        assertThat(row()).extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(1L, false);
        assertThat(outbox()).isEmpty();
    }

    @Test
    void appliedGivesTheChangeQueuedBehindItItsBaseVersion() {
        put("sent");
        OutboxEntry sent = send();
        put("edited while the first was in flight");
        decide(sent, "applied", 1L, null);

        assertThat(outbox()).singleElement().satisfies(next -> {
            assertThat(next.baseVersion()).isEqualTo(1L);
            assertThat(next.sent()).isFalse();
        });
        assertThat(row()).extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(1L, true);
        assertThat(row().data().get("name").stringValue()).isEqualTo("edited while the first was in flight");
    }

    @Test
    void pendingKeepsTheSentChangeToBeSentAgainWithTheSameId() {
        put("Clinic A");
        OutboxEntry sent = send();
        decide(sent, "pending", null, null);

        assertThat(outbox()).singleElement().extracting(OutboxEntry::changeId, OutboxEntry::sent)
                .containsExactly(sent.changeId(), true);
        assertThat(row().dirty()).isTrue();
    }

    @Test
    void aConflictKeepsTheLocalEditAndHoldsTheServerRecordForTheApp() {
        put("local edit");
        OutboxEntry sent = send();
        put("edited again meanwhile");
        decide(sent, "conflict", null, serverBook(id, 3, "server edit"));

        assertThat(outbox()).isEmpty();
        assertThat(row()).extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(0L, true);
        assertThat(row().data().get("name").stringValue()).isEqualTo("edited again meanwhile");
        OpenIssue issue = store.inTransaction(() -> store.conflicts().forRecord(BOOKS, id).orElseThrow());
        assertThat(issue).extracting(OpenIssue::changeId, OpenIssue::status, OpenIssue::serverVersion)
                .containsExactly(sent.changeId(), "conflict", 3L);
    }

    @Test
    void editsOfARecordInConflictAreWhatUseLocalWillSendNotNewChanges() {
        put("local edit");
        decide(send(), "conflict", null, serverBook(id, 2, "server edit"));
        put("edited during the conflict");

        assertThat(outbox()).isEmpty();
        assertThat(row().data().get("name").stringValue()).isEqualTo("edited during the conflict");
        assertThat(row().dirty()).isTrue();
    }

    @Test
    void aRejectionKeepsTheLocalDataUntilANewEditSupersedesIt() {
        put("orphan");
        decide(send(), "rejected", null, null);

        assertThat(row().dirty()).isTrue();
        assertThat(store.inTransaction(() -> store.conflicts().count(OpenIssue.REJECTED))).isEqualTo(1);

        put("fixed");
        assertThat(store.inTransaction(() -> store.conflicts().count(OpenIssue.REJECTED))).isZero();
        assertThat(outbox()).singleElement().extracting(OutboxEntry::baseVersion).isEqualTo(0L);
    }

    @Test
    void aServerRecordPulledWhileTheLocalChangeWasInFlightBecomesTheRowOnceThatChangeIsApplied() {
        put("mine");
        OutboxEntry sent = send();
        // Meanwhile another device based an edit on this change's version 1, and the pull held version 2 aside.
        store.inTransaction(() -> {
            store.held().hold(BOOKS, serverBook(id, 2, "theirs, on top of mine"));
            return null;
        });
        decide(sent, "applied", 1L, null);

        assertThat(row()).extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(2L, false);
        assertThat(row().data().get("name").stringValue()).isEqualTo("theirs, on top of mine");
        assertThat(store.inTransaction(() -> store.held().find(BOOKS, id))).isEmpty();
    }
}

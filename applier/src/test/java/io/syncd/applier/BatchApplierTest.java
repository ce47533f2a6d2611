package io.syncd.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.DecisionStatus;
import io.syncd.common.DecodedChange;
import io.syncd.common.SyncTable;
import io.syncd.store.decided.DecidedSignal;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The applier's decisions on a real PostgreSQL, batch by batch: the mechanisms behind guarantees 2, 3 and 6 made
 * visible one at a time (idempotence by change id, the version check, parents before children).
 */
class BatchApplierTest {
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static final AtomicLong OFFSETS = new AtomicLong();

    private final BatchApplier applier = new BatchApplier(dataSource, Clock.systemUTC());
    private UUID account;
    private final UUID device = UUID.randomUUID();

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = MigratedDatabase.start();
        dataSource = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void newAccount() throws SQLException {
        account = MigratedDatabase.newAccount(dataSource);
    }

    private static final ParentProgress PARENTS_DECIDED = (child, table, progress) -> true;
    private static final ParentProgress PARENTS_PENDING = (child, table, progress) -> false;

    private PolledChange change(UUID changeId, SyncTable table, ChangeOp op, UUID recordId, long base, String data) {
        return new PolledChange(DecodedChange.of(new ChangeEvent(changeId, account, device, table, op, recordId, base,
                data, Instant.parse("2026-11-24T10:00:00Z"))), new TopicPartition(table.topic(), 0), OFFSETS.incrementAndGet());
    }

    private PolledChange book(UUID id, long base, String name) {
        return change(UUID.randomUUID(), SyncTable.BOOKS, ChangeOp.UPSERT, id, base,
                "{\"name\":\"" + name + "\",\"archived\":false}");
    }

    private PolledChange event(UUID id, UUID bookId) {
        return change(UUID.randomUUID(), SyncTable.EVENTS, ChangeOp.UPSERT, id, 0, "{\"book_id\":\"" + bookId
                + "\",\"name\":\"e\",\"record_number\":null,\"event_type\":null,\"start_time\":\"2026-11-24T09:00:00Z\","
                + "\"end_time\":null,\"is_removed\":false,\"removal_reason\":null}");
    }

    private BatchResult apply(ParentProgress parents, PolledChange... changes) throws SQLException {
        return applier.apply(List.of(changes), parents);
    }

    private List<Object[]> rows(String sql) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setObject(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] row = new Object[rs.getMetaData().getColumnCount()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    @Test
    void aRedeliveredChangeIsDecidedOnce() throws SQLException {
        UUID bookId = UUID.randomUUID();
        PolledChange create = book(bookId, 0, "first");

        BatchResult first = apply(PARENTS_DECIDED, create);
        BatchResult again = apply(PARENTS_DECIDED, create, create);

        assertThat(first.redecided()).as("new changes need no lookup of earlier decisions").isFalse();
        assertThat(again.redecided()).as("the redelivery met its sync_log row's key").isTrue();
        assertThat(again.decisions()).isEmpty();
        assertThat(again.nextOffsets()).containsEntry(create.source(), create.offset() + 1);
        assertThat(rows("SELECT count(*) FROM sync_log WHERE account_id = ?").get(0)[0]).isEqualTo(1L);
        assertThat(rows("SELECT version FROM books WHERE account_id = ?").get(0)[0]).isEqualTo(1L);
    }

    /** A re-push lands in a batch of new changes: it is skipped, and the new ones take the next positions, no gap. */
    @Test
    void aChangeDecidedBeforeAmongNewOnesIsSkippedAndTheOthersTakeTheNextPositions() throws SQLException {
        UUID bookId = UUID.randomUUID();
        PolledChange create = book(bookId, 0, "first");
        apply(PARENTS_DECIDED, create);
        PolledChange other = book(UUID.randomUUID(), 0, "other");
        PolledChange child = event(UUID.randomUUID(), bookId);

        BatchResult again = apply(PARENTS_DECIDED, create, other, child);

        assertThat(again.decisions()).extracting(Decision::changeId, Decision::status, Decision::position)
                .containsExactly(tuple(other.event().changeId(), DecisionStatus.APPLIED, 2L),
                        tuple(child.event().changeId(), DecisionStatus.APPLIED, 3L));
        assertThat(rows("SELECT change_id, position FROM sync_log WHERE account_id = ? ORDER BY position"))
                .extracting(r -> r[0], r -> r[1]).containsExactly(tuple(create.event().changeId(), 1L),
                        tuple(other.event().changeId(), 2L), tuple(child.event().changeId(), 3L));
        assertThat(rows("SELECT change_seq FROM accounts WHERE id = ?").get(0)[0]).isEqualTo(3L);
        assertThat(rows("SELECT name, version FROM books WHERE account_id = ? ORDER BY position"))
                .extracting(r -> r[0], r -> r[1]).containsExactly(tuple("first", 1L), tuple("other", 1L));

        BatchResult next = apply(PARENTS_DECIDED, book(bookId, 1, "edited"), create);

        assertThat(next.decisions()).extracting(Decision::status, Decision::position)
                .containsExactly(tuple(DecisionStatus.APPLIED, 4L));
    }

    /**
     * Two devices create a record with the same id (base_version 0): the second is a conflict carrying the server's row,
     * whether its batch is the first's or a later one, and the batch's other changes are decided as usual.
     */
    @Test
    void aCreateOfARecordThatExistsIsAConflictAndTheBatchsOtherChangesAreApplied() throws SQLException {
        UUID bookId = UUID.randomUUID();
        apply(PARENTS_DECIDED, book(bookId, 0, "first"));
        PolledChange sameId = book(bookId, 0, "second device");
        PolledChange other = book(UUID.randomUUID(), 0, "other");

        BatchResult later = apply(PARENTS_DECIDED, sameId, other);
        BatchResult sameBatch = apply(PARENTS_DECIDED, book(UUID.randomUUID(), 0, "third"),
                book(bookId, 0, "fourth device"));

        assertThat(later.redecided()).isTrue();
        assertThat(later.decisions()).extracting(Decision::changeId, Decision::status, Decision::position)
                .containsExactly(tuple(sameId.event().changeId(), DecisionStatus.CONFLICT, null),
                        tuple(other.event().changeId(), DecisionStatus.APPLIED, 2L));
        assertThat(later.decisions().get(0).serverRecord()).contains("\"version\":1").contains("\"first\"");
        assertThat(sameBatch.decisions()).extracting(Decision::status, Decision::position)
                .containsExactly(tuple(DecisionStatus.APPLIED, 3L), tuple(DecisionStatus.CONFLICT, null));
        assertThat(rows("SELECT name, version FROM books WHERE account_id = ? ORDER BY position"))
                .extracting(r -> r[0], r -> r[1])
                .containsExactly(tuple("first", 1L), tuple("other", 1L), tuple("third", 1L));
        assertThat(rows("SELECT status, count(*) FROM sync_log WHERE account_id = ? GROUP BY status ORDER BY status"))
                .extracting(r -> r[0], r -> r[1]).containsExactly(tuple("applied", 3L), tuple("conflict", 2L));
    }

    @Test
    void aStaleBaseVersionIsAConflictAndWritesNothing() throws SQLException {
        UUID bookId = UUID.randomUUID();
        apply(PARENTS_DECIDED, book(bookId, 0, "v1"), book(bookId, 1, "v2"));

        BatchResult stale = apply(PARENTS_DECIDED, book(bookId, 1, "stale"));

        assertThat(stale.decisions()).extracting(Decision::status).containsExactly(DecisionStatus.CONFLICT);
        assertThat(stale.decisions().get(0).serverRecord()).contains("\"version\":2").contains("v2");
        assertThat(rows("SELECT name, version FROM books WHERE account_id = ?"))
                .extracting(r -> r[0], r -> r[1]).containsExactly(tuple("v2", 2L));
    }

    @Test
    void aChildBeforeItsParentInOneBatchIsDecidedAfterIt() throws SQLException {
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();

        BatchResult result = apply(PARENTS_PENDING, event(eventId, bookId), book(bookId, 0, "parent"));

        assertThat(result.parked()).isEmpty();
        assertThat(result.decisions()).extracting(Decision::table, Decision::status).containsExactly(
                tuple(SyncTable.BOOKS, DecisionStatus.APPLIED), tuple(SyncTable.EVENTS, DecisionStatus.APPLIED));
    }

    @Test
    void aChildWhoseParentMayStillArriveWaitsAndItsPartitionStopsThere() throws SQLException {
        UUID bookId = UUID.randomUUID();
        PolledChange child = event(UUID.randomUUID(), bookId);
        PolledChange after = event(UUID.randomUUID(), bookId);

        BatchResult waiting = apply(PARENTS_PENDING, child, after);

        assertThat(waiting.decisions()).isEmpty();
        assertThat(waiting.parked()).containsEntry(child.source(), child.offset());
        assertThat(waiting.nextOffsets()).containsEntry(child.source(), child.offset());

        apply(PARENTS_DECIDED, book(bookId, 0, "late parent"));
        BatchResult retried = apply(PARENTS_DECIDED, child, after);

        assertThat(retried.decisions()).extracting(Decision::status)
                .containsExactly(DecisionStatus.APPLIED, DecisionStatus.APPLIED);
    }

    @Test
    void aChildWhoseParentChangesAreAllDecidedIsRejectedWithMissingParent() throws SQLException {
        AtomicBoolean asked = new AtomicBoolean();
        BatchResult result = apply((child, table, progress) -> {
            asked.set(table == SyncTable.BOOKS);
            return true;
        }, event(UUID.randomUUID(), UUID.randomUUID()));

        assertThat(asked).isTrue();
        assertThat(result.decisions()).extracting(Decision::status, Decision::errorCode)
                .containsExactly(tuple(DecisionStatus.REJECTED, "missing_parent"));
        assertThat(rows("SELECT count(*) FROM events WHERE account_id = ?").get(0)[0]).isEqualTo(0L);
    }

    @Test
    void everyWriteTakesTheNextPositionOfItsAccount() throws SQLException {
        UUID bookId = UUID.randomUUID();
        apply(PARENTS_DECIDED, book(bookId, 0, "a"), event(UUID.randomUUID(), bookId));
        apply(PARENTS_DECIDED, book(bookId, 1, "b"));

        assertThat(rows("SELECT position FROM sync_log WHERE account_id = ? ORDER BY seq"))
                .extracting(r -> r[0]).containsExactly(1L, 2L, 3L);
        assertThat(rows("SELECT change_seq FROM accounts WHERE id = ?").get(0)[0]).isEqualTo(3L);
        assertThat(rows("SELECT position FROM books WHERE account_id = ?").get(0)[0]).isEqualTo(3L);
    }

    /**
     * Guarantee 4's mechanism: while another apply transaction of the account is open (here: one that took position
     * 1 and has not committed), a batch waits for it and takes the position after it. Had it read the sequence
     * without the lock, it would reuse position 1, and a reader that pulled up to 1 would skip its change.
     */
    @Test
    void aBatchWaitsForTheAccountsOpenTransactionAndTakesThePositionAfterIt() throws Exception {
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement(
                    "SELECT change_seq FROM accounts WHERE id = ? FOR UPDATE");
                 PreparedStatement take = other.prepareStatement(
                         "UPDATE accounts SET change_seq = change_seq + 1 WHERE id = ?")) {
                lock.setObject(1, account);
                lock.executeQuery().close();
                take.setObject(1, account);
                take.executeUpdate();
            }
            int otherPid = backendPid(other);
            java.util.concurrent.CompletableFuture<BatchResult> batch = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return apply(PARENTS_DECIDED, book(UUID.randomUUID(), 0, "after the open one"));
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                    waitsForLockHeldBy(otherPid));
            other.commit();

            BatchResult result = batch.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(result.decisions().get(0).position()).isEqualTo(2L);
            assertThat(rows("SELECT change_seq FROM accounts WHERE id = ?").get(0)[0]).isEqualTo(2L);
        }
    }

    private static int backendPid(Connection conn) throws SQLException {
        try (ResultSet rs = conn.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean waitsForLockHeldBy(int pid) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    @Test
    void aChangeOfAnUnknownAccountIsSetAsideNotDecided() throws SQLException {
        UUID known = account;
        account = UUID.randomUUID();
        PolledChange stranger = book(UUID.randomUUID(), 0, "nobody's");
        account = known;

        BatchResult result = apply(PARENTS_DECIDED, stranger);

        assertThat(result.decisions()).isEmpty();
        assertThat(result.unknownAccount()).containsExactly(stranger);
    }

    @Test
    void aReplayDecidesInTheOrderGivenIntoTheSearchPathsSchemaAndAnnouncesNothing() throws Exception {
        UUID bookId = UUID.randomUUID();
        PolledChange child = event(UUID.randomUUID(), bookId);
        PolledChange parent = book(bookId, 0, "replayed");
        try (Connection listener = dataSource.getConnection(); Connection conn = dataSource.getConnection()) {
            listener.createStatement().execute("LISTEN " + DecidedSignal.CHANNEL);
            conn.createStatement().execute("DROP SCHEMA IF EXISTS replay_test CASCADE; CREATE SCHEMA replay_test;"
                    + " CREATE TABLE replay_test.accounts (id uuid PRIMARY KEY, change_seq bigint NOT NULL DEFAULT 0);"
                    + " CREATE TABLE replay_test.books (LIKE public.books INCLUDING ALL);"
                    + " CREATE TABLE replay_test.events (LIKE public.events INCLUDING ALL);"
                    + " CREATE TABLE replay_test.sync_log (LIKE public.sync_log INCLUDING ALL)");
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO replay_test.accounts (id) VALUES (?)")) {
                ps.setObject(1, account);
                ps.executeUpdate();
            }
            conn.setAutoCommit(false);
            conn.createStatement().execute("SET LOCAL search_path TO replay_test");

            ReplayApplier.Outcome outcome = new ReplayApplier(Clock.systemUTC()).decide(conn, List.of(
                    replayed(child), replayed(parent)));
            conn.commit();

            assertThat(outcome.decisions()).isEqualTo(2);
            assertThat(rows("SELECT table_name, status, error_code FROM replay_test.sync_log WHERE account_id = ? ORDER BY seq"))
                    .extracting(r -> tuple(r[0], r[1], r[2]))
                    .as("the child came first, with its parent missing: rejected at once, not parked")
                    .containsExactly(tuple("events", "rejected", "missing_parent"), tuple("books", "applied", null));
            assertThat(rows("SELECT name FROM replay_test.books WHERE account_id = ?")).extracting(r -> r[0])
                    .containsExactly("replayed");
            assertThat(rows("SELECT id FROM public.books WHERE account_id = ?")).as("live tables untouched").isEmpty();
            assertThat(rows("SELECT seq FROM public.sync_log WHERE account_id = ?")).isEmpty();
            assertThat(listener.unwrap(org.postgresql.PGConnection.class).getNotifications(500))
                    .as("no push waits for a replay").isNullOrEmpty();
            conn.setAutoCommit(true);
            conn.createStatement().execute("DROP SCHEMA replay_test CASCADE");
        }
    }

    private static ReplayApplier.ReplayedChange replayed(PolledChange change) {
        return new ReplayApplier.ReplayedChange(new DecodedChange(change.event(), change.data()),
                change.source().topic(), change.source().partition(), change.offset());
    }

    /** Accounts in distinct shards of a two-way split, so that the test exercises two transactions side by side. */
    private List<UUID> accountsInTwoShards() throws SQLException {
        UUID first = account;
        UUID second;
        do {
            newAccount();
            second = account;
        } while (Math.floorMod(second.hashCode(), 2) == Math.floorMod(first.hashCode(), 2));
        return List.of(first, second);
    }

    private PolledChange forAccount(UUID owner, java.util.function.Supplier<PolledChange> change) {
        UUID current = account;
        account = owner;
        try {
            return change.get();
        } finally {
            account = current;
        }
    }

    @Test
    void aBatchSplitByAccountDecidesEachAccountInOrderWithItsOwnPositions() throws Exception {
        List<UUID> owners = accountsInTwoShards();
        UUID bookA = UUID.randomUUID();
        UUID bookB = UUID.randomUUID();
        List<PolledChange> batch = List.of(
                forAccount(owners.get(0), () -> book(bookA, 0, "a1")),
                forAccount(owners.get(1), () -> book(bookB, 0, "b1")),
                forAccount(owners.get(0), () -> book(bookA, 1, "a2")),
                forAccount(owners.get(1), () -> book(bookB, 1, "b2")),
                forAccount(owners.get(1), () -> book(bookB, 1, "b stale")));

        BatchResult result;
        try (BatchApplier parallel = new BatchApplier(dataSource, Clock.systemUTC(), 2)) {
            result = parallel.apply(batch, PARENTS_DECIDED);
        }

        assertThat(result.parked()).isEmpty();
        assertThat(result.nextOffsets()).containsEntry(batch.get(0).source(), batch.get(4).offset() + 1);
        assertThat(result.decisions()).extracting(Decision::accountId, Decision::status, Decision::resultVersion)
                .containsExactlyInAnyOrder(
                        tuple(owners.get(0), DecisionStatus.APPLIED, 1L), tuple(owners.get(0), DecisionStatus.APPLIED, 2L),
                        tuple(owners.get(1), DecisionStatus.APPLIED, 1L), tuple(owners.get(1), DecisionStatus.APPLIED, 2L),
                        tuple(owners.get(1), DecisionStatus.CONFLICT, null));
        for (UUID owner : owners) {
            account = owner;
            assertThat(rows("SELECT position FROM sync_log WHERE account_id = ? AND position IS NOT NULL ORDER BY seq"))
                    .extracting(r -> r[0]).containsExactly(1L, 2L);
            assertThat(rows("SELECT version FROM books WHERE account_id = ?").get(0)[0]).isEqualTo(2L);
        }
    }

    @Test
    void aWaitingChildStopsItsPartitionAtItsOffsetWhileOtherAccountsInTheBatchAreDecidedOnce() throws Exception {
        List<UUID> owners = accountsInTwoShards();
        UUID bookB = UUID.randomUUID();
        PolledChange parentB = forAccount(owners.get(1), () -> book(bookB, 0, "b"));
        PolledChange waitingA = forAccount(owners.get(0), () -> event(UUID.randomUUID(), UUID.randomUUID()));
        PolledChange childB = forAccount(owners.get(1), () -> event(UUID.randomUUID(), bookB));

        try (BatchApplier parallel = new BatchApplier(dataSource, Clock.systemUTC(), 2)) {
            BatchResult first = parallel.apply(List.of(parentB, waitingA, childB), PARENTS_PENDING);

            assertThat(first.parked()).containsEntry(waitingA.source(), waitingA.offset());
            assertThat(first.nextOffsets()).containsEntry(waitingA.source(), waitingA.offset());
            assertThat(first.decisions()).extracting(Decision::accountId).containsOnly(owners.get(1)).hasSize(2);

            // The partition is redelivered from the waiting child: account B's event must not be decided again.
            BatchResult retried = parallel.apply(List.of(waitingA, childB), PARENTS_DECIDED);

            assertThat(retried.parked()).isEmpty();
            assertThat(retried.nextOffsets()).containsEntry(childB.source(), childB.offset() + 1);
            assertThat(retried.decisions()).extracting(Decision::accountId, Decision::errorCode)
                    .containsExactly(tuple(owners.get(0), "missing_parent"));
        }
        account = owners.get(1);
        assertThat(rows("SELECT count(*) FROM sync_log WHERE account_id = ?").get(0)[0]).isEqualTo(2L);
    }

    @Test
    void aBatchWithNothingToDecideCommitsNothingAlsoWhenSplit() throws Exception {
        try (BatchApplier parallel = new BatchApplier(dataSource, Clock.systemUTC(), 2)) {
            BatchResult result = parallel.apply(List.of(), PARENTS_DECIDED);

            assertThat(result.decisions()).isEmpty();
            assertThat(result.nextOffsets()).isEmpty();
        }
    }

    /** Decided past an offset only as far as this batch's own progress shows (nothing committed before it). */
    private static final ParentProgress ONLY_THIS_BATCH = new ParentProgress() {
        @Override
        public boolean parentChangesDecided(PolledChange child, SyncTable parentTable, java.util.Map<TopicPartition, Long> progress) {
            return true;
        }

        @Override
        public boolean decidedPast(PolledChange child, SyncTable ancestor, long offset, java.util.Map<TopicPartition, Long> progress) {
            return progress.getOrDefault(new TopicPartition(ancestor.topic(), 0), 0L) > offset;
        }
    };

    private PolledChange after(PolledChange child, PolledChange delete) {
        ChangeEvent e = child.event().withAfter(java.util.Map.of(delete.event().table(), delete.offset()));
        return new PolledChange(e, child.data(), child.source(), child.offset(), child.refusal(), child.parent());
    }

    @Test
    void aChildPushedWithItsParentsDeleteIsDecidedAfterTheDeleteEvenWhenPolledFirst() throws SQLException {
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        apply(PARENTS_DECIDED, book(bookId, 0, "b"), event(eventId, bookId));
        PolledChange delete = change(UUID.randomUUID(), SyncTable.BOOKS, ChangeOp.DELETE, bookId, 1, null);
        PolledChange edit = after(change(UUID.randomUUID(), SyncTable.EVENTS, ChangeOp.UPSERT, eventId, 1,
                "{\"book_id\":\"" + bookId + "\",\"name\":\"edited\",\"record_number\":null,\"event_type\":null,"
                        + "\"start_time\":\"2026-11-24T09:00:00Z\",\"end_time\":null,\"is_removed\":false,\"removal_reason\":null}"),
                delete);

        // Polled alone (the delete's partition not fetched yet): it waits, and its partition stops at it.
        BatchResult alone = apply(ONLY_THIS_BATCH, edit);
        assertThat(alone.decisions()).isEmpty();
        assertThat(alone.parked()).containsEntry(edit.source(), edit.offset());

        // With the delete: the delete first, its cascade tombstones the event, so the edit made on version 1 conflicts.
        BatchResult both = apply(ONLY_THIS_BATCH, edit, delete);
        assertThat(both.decisions()).filteredOn(d -> d.causeChangeId() == null)
                .extracting(Decision::table, Decision::status)
                .containsExactly(tuple(SyncTable.BOOKS, DecisionStatus.APPLIED), tuple(SyncTable.EVENTS, DecisionStatus.CONFLICT));
        assertThat(rows("SELECT is_deleted, version FROM events WHERE account_id = ?"))
                .extracting(r -> r[0], r -> r[1]).containsExactly(tuple(true, 2L));
    }

    /** A batch applied in a test step. */
    @FunctionalInterface
    private interface Step {
        void run() throws SQLException;
    }

    /** The signals for the test's account that the step's commit sends. */
    private List<DecidedSignal> signalsOf(Connection listening, Step step) throws SQLException {
        step.run();
        List<DecidedSignal> signals = new ArrayList<>();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (signals.isEmpty() && System.nanoTime() < deadline) {
            PGNotification[] notifications = listening.unwrap(PGConnection.class).getNotifications(100);
            for (PGNotification n : notifications == null ? new PGNotification[0] : notifications) {
                DecidedSignal.decode(n.getParameter()).stream().filter(d -> d.accountId().equals(account))
                        .forEach(signals::add);
            }
        }
        return signals;
    }

    @Test
    void aCommitSignalsTheAppliedVersionsAndAsksWaitersToLookUpWhatItCannotCarry() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        PolledChange createFirst = book(first, 0, "one");
        PolledChange createSecond = book(second, 0, "two");
        PolledChange update = book(second, 1, "two, edited");
        try (Connection listening = dataSource.getConnection()) {
            listening.createStatement().execute("LISTEN " + DecidedSignal.CHANNEL);

            List<DecidedSignal> applied = signalsOf(listening, () -> apply(PARENTS_DECIDED, createFirst, createSecond, update));
            assertThat(applied).as("all applied: complete, with every version").hasSize(1)
                    .first().satisfies(signal -> {
                        assertThat(signal.complete()).isTrue();
                        assertThat(signal.applied()).isEqualTo(java.util.Map.of(createFirst.event().changeId(), 1L,
                                createSecond.event().changeId(), 1L, update.event().changeId(), 2L));
                        assertThat(signal.changeSeq()).as("the account's sequence after the commit").isEqualTo(3);
                        assertThat(signal.tables()).containsExactly(SyncTable.BOOKS);
                        assertThat(signal.decidedAtMillis()).isPositive();
                    });
            assertThat(signalsOf(listening, () -> apply(PARENTS_DECIDED, book(first, 0, "stale"))))
                    .as("a conflict's server record does not fit a signal; the stream still hears of the decision")
                    .singleElement().satisfies(signal -> {
                        assertThat(signal.complete()).isFalse();
                        assertThat(signal.applied()).isEmpty();
                        assertThat(signal.changeSeq()).isEqualTo(3);
                        assertThat(signal.tables()).containsExactly(SyncTable.BOOKS);
                    });
            assertThat(signalsOf(listening, () -> apply(PARENTS_DECIDED, createFirst)))
                    .as("a change decided before: its decision is in sync_log, and nothing new was decided")
                    .singleElement().satisfies(signal -> {
                        assertThat(signal.complete()).isFalse();
                        assertThat(signal.applied()).isEmpty();
                        assertThat(signal.tables()).isEmpty();
                    });
        }
    }
}

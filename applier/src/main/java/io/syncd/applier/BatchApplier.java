package io.syncd.applier;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncd.applier.SyncLogTable.ChangeKey;
import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.DecidedSignal;
import io.syncd.common.DecisionStatus;
import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides a batch of polled changes in one PostgreSQL transaction: idempotence by change id, the version check
 * against the locked current row, the write or nothing, and the {@code sync_log} row for every decision.
 *
 * <p>The transaction reads everything it needs up front (a handful of set-based queries), decides in memory in
 * decision order, then writes each table and {@code sync_log} with one statement each. The account rows are locked
 * first, so one account's transactions never interleave (see {@link AccountsTable#lockSequences}).
 */
final class BatchApplier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
    /** Rejection codes (PROTOCOL.md, Push). */
    static final String NOT_FOUND = "not_found";
    static final String MISSING_PARENT = "missing_parent";
    /** A change whose data breaks the record rules or that PostgreSQL refused to store (see PolledChange#refusal). */
    static final String INVALID_DATA = "invalid_data";
    private static final String UNIQUE_VIOLATION = "23505";

    private static final Comparator<TopicPartition> DECISION_ORDER = Comparator
            .comparingInt((TopicPartition tp) -> SyncTable.fromTopic(tp.topic()).map(SyncTable::stage).orElse(9))
            .thenComparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    private final DataSource dataSource;
    private final Clock clock;
    private final int parallelism;
    private final ExecutorService shardWorkers;

    BatchApplier(DataSource dataSource, Clock clock) {
        this(dataSource, clock, 1);
    }

    /** @param parallelism how many transactions (connections) one batch is split over, by account */
    BatchApplier(DataSource dataSource, Clock clock, int parallelism) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.parallelism = parallelism;
        AtomicInteger threads = new AtomicInteger();
        this.shardWorkers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "applier-shard-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Decides the batch and commits; throws (having rolled back) when PostgreSQL fails.
     *
     * <p>Accounts never share a record, a position or a parent, so the batch is split by account over up to
     * {@code parallelism} transactions that run side by side: the applier's throughput is otherwise bounded by one
     * PostgreSQL backend doing one transaction at a time. Each account's changes stay in one transaction, in order.
     * Should one transaction fail after another committed, the whole batch is retried and the committed decisions are
     * skipped by change id, as after any redelivery.
     */
    BatchResult apply(List<PolledChange> polled, ParentProgress parents) throws SQLException {
        Map<TopicPartition, Long> batchEnds = new HashMap<>();
        for (PolledChange change : polled) {
            batchEnds.merge(change.source(), change.offset() + 1, Math::max);
        }
        List<List<PolledChange>> shards = shardByAccount(polled);
        if (shards.size() == 1) {
            return applyShard(shards.get(0), parents, batchEnds);
        }
        ParentProgress serialized = new ParentProgress() { // the Kafka consumer behind it allows one thread at a time
            @Override
            public boolean parentChangesDecided(PolledChange child, SyncTable parentTable, Map<TopicPartition, Long> progress) {
                synchronized (parents) {
                    return parents.parentChangesDecided(child, parentTable, progress);
                }
            }

            @Override
            public boolean decidedPast(PolledChange child, SyncTable ancestorTable, long offset,
                                       Map<TopicPartition, Long> progress) {
                synchronized (parents) {
                    return parents.decidedPast(child, ancestorTable, offset, progress);
                }
            }
        };
        List<Future<BatchResult>> others = new ArrayList<>();
        for (List<PolledChange> shard : shards.subList(1, shards.size())) {
            others.add(shardWorkers.submit(() -> applyShard(shard, serialized, batchEnds)));
        }
        List<BatchResult> results = new ArrayList<>();
        Exception failure = null;
        try {
            results.add(applyShard(shards.get(0), serialized, batchEnds));
        } catch (SQLException | RuntimeException e) {
            failure = e;
        }
        for (Future<BatchResult> other : others) {
            try {
                results.add(other.get());
            } catch (ExecutionException e) {
                failure = failure == null ? (Exception) e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof SQLException sql) {
            throw sql;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure != null) {
            throw new IllegalStateException("interrupted while deciding a batch", failure);
        }
        return BatchResult.merge(results);
    }

    /**
     * Decides a shard first without looking up what a batch of new changes does not need: whether each change was
     * decided before, and the current row of each create ({@code base_version} 0). A change decided before still meets
     * its {@code sync_log} row's primary key, and a create of an existing record the table's, so such a batch fails on
     * a unique violation and is decided again, looking everything up. The two lookups are a fifth of PostgreSQL's work
     * for a batch of creates; re-pushes and redeliveries are rare, and cost one rolled-back attempt.
     */
    private BatchResult applyShard(List<PolledChange> shard, ParentProgress parents,
                                   Map<TopicPartition, Long> batchEnds) throws SQLException {
        List<PolledChange> ordered = decisionOrder(shard);
        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            try {
                return decide(conn, ordered, parents, batchEnds);
            } catch (SQLException e) {
                if (!SqlStates.refusesData(e)) {
                    throw e;
                }
                log.warn("PostgreSQL refused the data of a batch of {} changes (SQLState {}); deciding them one at a time",
                        ordered.size(), e.getSQLState());
                return decideOneByOne(conn, ordered, parents, batchEnds);
            }
        }
    }

    /** The first attempt without the lookups of new changes, and after a unique violation the second with them. */
    private BatchResult decide(Connection conn, List<PolledChange> ordered, ParentProgress parents,
                               Map<TopicPartition, Long> batchEnds) throws SQLException {
        try {
            return decideAndCommit(conn, ordered, parents, batchEnds, false);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            return decideAndCommit(conn, ordered, parents, batchEnds, true).asRedecided();
        }
    }

    /**
     * Finds the change PostgreSQL refuses by deciding the batch one change a transaction, in decision order: the one
     * refused alone is decided {@code rejected} with {@code invalid_data}, and the rest as they would have been. A
     * value the record rules let through but the database cannot store must cost one change, never its partition
     * (and every account whose changes share it). A partition that parks stops there, as in one transaction.
     */
    private BatchResult decideOneByOne(Connection conn, List<PolledChange> ordered, ParentProgress parents,
                                       Map<TopicPartition, Long> batchEnds) throws SQLException {
        List<BatchResult> results = new ArrayList<>();
        Set<TopicPartition> parked = new HashSet<>();
        for (PolledChange change : ordered) {
            if (parked.contains(change.source())) {
                continue;
            }
            Map<TopicPartition, Long> end = Map.of(change.source(), change.offset() + 1);
            BatchResult one;
            try {
                one = decide(conn, List.of(change), parents, end);
            } catch (SQLException e) {
                if (!SqlStates.refusesData(e)) {
                    throw e;
                }
                log.warn("PostgreSQL refused change {} of account {} ({}/{}@{}, SQLState {}): rejecting it with {}",
                        change.event().changeId(), change.event().accountId(), change.source().topic(),
                        change.source().partition(), change.offset(), e.getSQLState(), INVALID_DATA);
                PolledChange refused = change.refusedBecause("PostgreSQL refused to store it (SQLState "
                        + e.getSQLState() + ")");
                one = decideAndCommit(conn, List.of(refused), parents, end, true);
            }
            results.add(one);
            parked.addAll(one.parked().keySet());
        }
        BatchResult merged = BatchResult.merge(results);
        for (PolledChange change : ordered) {
            // As one transaction says: a partition that did not park is decided to the batch's end (see Transaction#run).
            if (!parked.contains(change.source())) {
                merged.nextOffsets().merge(change.source(), batchEnds.get(change.source()), Math::max);
            }
        }
        return merged;
    }

    private BatchResult decideAndCommit(Connection conn, List<PolledChange> ordered, ParentProgress parents,
                                        Map<TopicPartition, Long> batchEnds, boolean lookUpAll) throws SQLException {
        try {
            BatchResult result = new Transaction(conn, clock.instant(), parents, batchEnds, true, lookUpAll)
                    .run(ordered);
            conn.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        }
    }

    /**
     * Decides changes in exactly the order given, in the connection's current transaction (the caller commits), and
     * announces nothing on {@code sync_decided}: how a replay re-decides. The tables are named without a schema, so
     * they are those of the connection's {@code search_path}.
     */
    static BatchResult decideInOrder(Connection conn, Clock clock, List<PolledChange> ordered, ParentProgress parents)
            throws SQLException {
        Map<TopicPartition, Long> batchEnds = new HashMap<>();
        for (PolledChange change : ordered) {
            batchEnds.merge(change.source(), change.offset() + 1, Math::max);
        }
        return new Transaction(conn, clock.instant(), parents, batchEnds, false, true).run(ordered);
    }

    private List<List<PolledChange>> shardByAccount(List<PolledChange> polled) {
        if (parallelism == 1 || polled.isEmpty()) {
            return List.of(polled);
        }
        Map<Integer, List<PolledChange>> shards = new TreeMap<>();
        for (PolledChange change : polled) {
            int shard = Math.floorMod(change.event().accountId().hashCode(), parallelism);
            shards.computeIfAbsent(shard, s -> new ArrayList<>()).add(change);
        }
        return List.copyOf(shards.values());
    }

    @Override
    public void close() {
        shardWorkers.shutdownNow();
    }

    /** Parents' partitions before children's (books, events, then notes and drawings); offsets in order within each. */
    static List<PolledChange> decisionOrder(List<PolledChange> polled) {
        Map<TopicPartition, List<PolledChange>> byPartition = new TreeMap<>(DECISION_ORDER);
        for (PolledChange change : polled) {
            byPartition.computeIfAbsent(change.source(), tp -> new ArrayList<>()).add(change);
        }
        List<PolledChange> ordered = new ArrayList<>(polled.size());
        for (List<PolledChange> changes : byPartition.values()) {
            changes.sort(Comparator.comparingLong(PolledChange::offset));
            ordered.addAll(changes);
        }
        return ordered;
    }

    /** The state of one batch's transaction. */
    private static final class Transaction {
        private final Connection conn;
        private final ParentProgress parents;
        private final Map<TopicPartition, Long> batchEnds;
        private final boolean announce;
        private final boolean lookUpAll;
        private final Instant now;
        private final Map<RecordKey, SyncedRecord> records = new HashMap<>();
        private final Set<RecordKey> written = new LinkedHashSet<>();
        /**
         * Records that have a row in the table already (read and locked by this transaction). A create the first
         * attempt did not look up is not among them even if its row exists: its insert then fails on the key.
         */
        private final Set<RecordKey> stored = new HashSet<>();
        private final Map<UUID, Long> sequences = new HashMap<>();
        private final Map<UUID, Long> advancedSequences = new HashMap<>();
        private final Map<TopicPartition, Long> progress = new LinkedHashMap<>();
        private final Map<TopicPartition, Long> parked = new LinkedHashMap<>();
        private final List<Decision> decisions = new ArrayList<>();
        private final List<PolledChange> unknownAccount = new ArrayList<>();
        /** Accounts with decisions a signal cannot carry: their gateways read them from sync_log. */
        private final Set<UUID> needsLookup = new HashSet<>();
        private Set<ChangeKey> decided;

        /**
         * @param announce  whether to signal the decisions on commit ({@link DecidedSignal}); a replay does not
         * @param lookUpAll whether to look up which changes were decided before and the rows of creates, or to leave
         *                  those to the unique keys ({@link #applyShard})
         */
        Transaction(Connection conn, Instant now, ParentProgress parents, Map<TopicPartition, Long> batchEnds,
                    boolean announce, boolean lookUpAll) {
            this.conn = conn;
            this.now = now;
            this.parents = parents;
            this.batchEnds = batchEnds;
            this.announce = announce;
            this.lookUpAll = lookUpAll;
        }

        BatchResult run(List<PolledChange> ordered) throws SQLException {
            Set<UUID> accounts = new HashSet<>();
            for (PolledChange change : ordered) {
                accounts.add(change.event().accountId());
            }
            sequences.putAll(AccountsTable.lockSequences(conn, accounts));
            decided = lookUpAll ? new HashSet<>(SyncLogTable.alreadyDecided(conn, ordered.stream()
                    .map(c -> new ChangeKey(c.event().accountId(), c.event().changeId())).toList())) : new HashSet<>();
            loadRecords(ordered);

            for (int i = 0; i < ordered.size(); i++) {
                PolledChange change = ordered.get(i);
                TopicPartition tp = change.source();
                if (parked.containsKey(tp)) {
                    continue;
                }
                if (decide(change)) {
                    progress.put(tp, change.offset() + 1);
                    boolean lastOfPartition = i + 1 == ordered.size() || !ordered.get(i + 1).source().equals(tp);
                    if (lastOfPartition) {
                        // The batch's other changes of this partition are other accounts', decided elsewhere or
                        // already above: for this transaction's accounts the partition is decided to the batch's end.
                        progress.put(tp, batchEnds.get(tp));
                    }
                } else {
                    parked.put(tp, change.offset());
                }
            }
            for (SyncTable table : SyncTable.values()) {
                RecordsTable.insert(conn, table, written.stream()
                        .filter(k -> k.table() == table && !stored.contains(k)).map(records::get).toList());
                RecordsTable.upsert(conn, table, written.stream()
                        .filter(k -> k.table() == table && stored.contains(k)).map(records::get).toList());
            }
            SyncLogTable.append(conn, decisions, now);
            AccountsTable.storeSequences(conn, advancedSequences);
            if (announce) {
                AccountsTable.notifyDecided(conn, signals());
            }
            for (Map.Entry<TopicPartition, Long> p : parked.entrySet()) {
                progress.put(p.getKey(), p.getValue());
            }
            return new BatchResult(progress, parked, decisions, unknownAccount, false);
        }

        /**
         * One signal for every account of the batch, also one whose changes were all decided before (a client's
         * re-push): its gateways wait for a signal before they look for decisions.
         */
        private List<DecidedSignal> signals() {
            Map<UUID, Map<UUID, Long>> applied = new HashMap<>();
            for (Decision d : decisions) {
                if (d.causeChangeId() != null) {
                    continue; // a cascaded tombstone: no device waits for it
                }
                if (d.status() == DecisionStatus.APPLIED && d.op() != ChangeOp.USE_SERVER) {
                    applied.computeIfAbsent(d.accountId(), a -> new LinkedHashMap<>()).put(d.changeId(), d.resultVersion());
                } else {
                    needsLookup.add(d.accountId());
                }
            }
            List<DecidedSignal> signals = new ArrayList<>();
            for (UUID account : sequences.keySet()) {
                signals.add(new DecidedSignal(account, !needsLookup.contains(account),
                        applied.getOrDefault(account, Map.of())));
            }
            return signals;
        }

        /** Loads (and locks) every record the batch touches (unless a create's, see lookUpAll) and every parent it references. */
        private void loadRecords(List<PolledChange> ordered) throws SQLException {
            Map<SyncTable, Set<RecordKey>> keys = new TreeMap<>();
            for (PolledChange change : ordered) {
                ChangeEvent e = change.event();
                if (change.refusal() != null) {
                    continue; // decided rejected without reading anything: its data may name no valid parent
                }
                boolean create = e.op() == ChangeOp.UPSERT && e.baseVersion() == 0;
                if (lookUpAll || !create) {
                    keys.computeIfAbsent(e.table(), t -> new LinkedHashSet<>())
                            .add(new RecordKey(e.table(), e.accountId(), e.recordId()));
                }
                RecordKey parent = parentKey(e, change.data());
                if (parent != null) {
                    keys.computeIfAbsent(parent.table(), t -> new LinkedHashSet<>()).add(parent);
                }
            }
            for (Map.Entry<SyncTable, Set<RecordKey>> entry : keys.entrySet()) {
                for (SyncedRecord r : RecordsTable.lockCurrent(conn, entry.getKey(), entry.getValue())) {
                    RecordKey key = new RecordKey(r.table(), r.accountId(), r.recordId());
                    records.put(key, r);
                    stored.add(key);
                }
            }
        }

        private RecordKey parentKey(ChangeEvent e, ObjectNode data) {
            if (e.op() != ChangeOp.UPSERT || e.table().parent().isEmpty()) {
                return null;
            }
            UUID parentId = UUID.fromString(data.get(e.table().parentField()).stringValue());
            return new RecordKey(e.table().parent().get(), e.accountId(), parentId);
        }

        /** Decides one change; false when it must wait for its parent (its partition stops here). */
        private boolean decide(PolledChange change) throws SQLException {
            ObjectNode data = change.data();
            ChangeEvent e = change.event();
            ChangeKey changeKey = new ChangeKey(e.accountId(), e.changeId());
            if (!sequences.containsKey(e.accountId())) {
                unknownAccount.add(change);
                return true;
            }
            if (!decided.add(changeKey)) {
                needsLookup.add(e.accountId()); // a re-push waits for a decision this transaction does not announce
                return true; // decided before (redelivery or a re-push): exactly one decision per change id
            }
            if (change.refusal() != null) {
                log(change, DecisionStatus.REJECTED, null, INVALID_DATA, change.refusal(), null, null, null, null);
                return true;
            }
            for (Map.Entry<SyncTable, Long> ancestor : e.after().entrySet()) {
                if (!parents.decidedPast(change, ancestor.getKey(), ancestor.getValue(), progress)) {
                    decided.remove(changeKey); // a delete of its request comes first; its partition waits here
                    return false;
                }
            }
            RecordKey key = new RecordKey(e.table(), e.accountId(), e.recordId());
            SyncedRecord current = records.get(key);
            long currentVersion = current == null ? 0 : current.version();
            switch (e.op()) {
                case USE_SERVER -> log(change, DecisionStatus.APPLIED, currentVersion, null, null, null,
                        current == null ? null : current.toEnvelope().toString(), null, null);
                case DELETE -> {
                    if (current == null) {
                        log(change, DecisionStatus.REJECTED, null, NOT_FOUND,
                                e.table().wireName() + " " + e.recordId() + " does not exist", null, null, null, null);
                    } else if (e.baseVersion() != currentVersion) {
                        conflict(change, current);
                    } else {
                        SyncedRecord tombstone = write(key, current.data(), true, e, currentVersion + 1);
                        log(change, DecisionStatus.APPLIED, tombstone.version(), null, null, null, null,
                                tombstone.position(), null);
                        cascade(change, tombstone);
                    }
                }
                case UPSERT -> {
                    if (e.baseVersion() != currentVersion) {
                        conflict(change, current);
                        return true;
                    }
                    RecordKey parentKey = parentKey(e, data);
                    if (parentKey != null) {
                        SyncedRecord parent = records.get(parentKey);
                        if (parent == null || parent.deleted()) {
                            if (!parents.parentChangesDecided(change, parentKey.table(), progress)) {
                                decided.remove(changeKey);
                                return false;
                            }
                            log(change, DecisionStatus.REJECTED, null, MISSING_PARENT,
                                    parentKey.table().wireName() + " " + parentKey.recordId()
                                            + " does not exist in the account or is deleted", null, null, null, null);
                            return true;
                        }
                    }
                    SyncedRecord applied = write(key, data, false, e, currentVersion + 1);
                    log(change, DecisionStatus.APPLIED, applied.version(), null, null, e.data(), null,
                            applied.position(), null);
                }
            }
            return true;
        }

        private void conflict(PolledChange change, SyncedRecord current) {
            log(change, DecisionStatus.CONFLICT, null, null, null, null,
                    current == null ? null : current.toEnvelope().toString(), null, null);
        }

        /**
         * A parent's delete tombstones its live children (and theirs), each as an applied change of its own, so
         * every device pulls the tombstones and replay sees them. See docs/PROTOCOL.md, "Deleting a parent".
         */
        private void cascade(PolledChange cause, SyncedRecord parent) throws SQLException {
            for (SyncTable childTable : parent.table().children()) {
                for (SyncedRecord child : RecordsTable.lockLiveChildren(conn, childTable, parent.accountId(), parent.recordId())) {
                    RecordKey key = new RecordKey(childTable, child.accountId(), child.recordId());
                    records.putIfAbsent(key, child);
                    stored.add(key);
                }
                List<SyncedRecord> live = records.values().stream()
                        .filter(r -> r.table() == childTable && r.accountId().equals(parent.accountId()) && !r.deleted()
                                && parent.recordId().toString().equals(r.data().get(childTable.parentField()).stringValue()))
                        .sorted(Comparator.comparing(SyncedRecord::recordId))
                        .toList();
                for (SyncedRecord child : live) {
                    RecordKey key = new RecordKey(childTable, child.accountId(), child.recordId());
                    SyncedRecord tombstone = write(key, child.data(), true, cause.event(), child.version() + 1);
                    ChangeEvent e = cause.event();
                    UUID derivedId = UUID.nameUUIDFromBytes(("cascade:" + e.changeId() + ":" + childTable.wireName()
                            + ":" + child.recordId()).getBytes(StandardCharsets.UTF_8));
                    decided.add(new ChangeKey(e.accountId(), derivedId));
                    decisions.add(new Decision(derivedId, e.accountId(), e.deviceId(), childTable, child.recordId(),
                            ChangeOp.DELETE, child.version(), tombstone.version(), DecisionStatus.APPLIED, null, null,
                            null, null, tombstone.position(), e.changeId(), cause.source().topic(),
                            cause.source().partition(), cause.offset(), e.receivedAt()));
                    cascade(cause, tombstone);
                }
            }
        }

        private SyncedRecord write(RecordKey key, ObjectNode data, boolean deleted, ChangeEvent e, long version) {
            long position = sequences.merge(e.accountId(), 1L, Long::sum);
            advancedSequences.put(e.accountId(), position);
            SyncedRecord record = new SyncedRecord(key.table(), key.accountId(), key.recordId(), version, deleted,
                    data, e.deviceId(), e.receivedAt(), now, position);
            records.put(key, record);
            written.add(key);
            return record;
        }

        private void log(PolledChange change, DecisionStatus status, Long resultVersion, String errorCode,
                         String errorMessage, String data, String serverRecord, Long position, UUID cause) {
            ChangeEvent e = change.event();
            decisions.add(new Decision(e.changeId(), e.accountId(), e.deviceId(), e.table(), e.recordId(), e.op(),
                    e.baseVersion(), resultVersion, status, errorCode, errorMessage, data, serverRecord, position,
                    cause, change.source().topic(), change.source().partition(), change.offset(), e.receivedAt()));
        }
    }
}

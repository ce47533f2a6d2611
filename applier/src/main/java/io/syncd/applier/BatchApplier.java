package io.syncd.applier;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncd.common.SyncTable;

/**
 * Decides a batch of polled changes: idempotence by change id, the version check against the locked current row, the
 * write or nothing, and the {@code sync_log} row for every decision, in one {@link BatchTransaction} per account shard.
 * This class chooses the transactions: how a batch is split over connections, the second attempt after a unique
 * violation, and one change a transaction when PostgreSQL refuses a batch's data.
 */
final class BatchApplier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
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
        // The Kafka consumer behind it allows one thread at a time.
        ParentProgress serialized = new SerializedParentProgress(parents);
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
                        change.source().partition(), change.offset(), e.getSQLState(), Decision.INVALID_DATA);
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
            BatchResult result = new BatchTransaction(conn, clock.instant(), parents, batchEnds, true, lookUpAll)
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
        return new BatchTransaction(conn, clock.instant(), parents, batchEnds, false, true).run(ordered);
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
}

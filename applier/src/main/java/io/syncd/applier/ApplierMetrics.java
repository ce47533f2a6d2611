package io.syncd.applier;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.syncd.common.DecisionStatus;
import io.syncd.common.SyncTable;

/**
 * The applier's meters: decisions by table, status and rejection code (counted once their transaction committed),
 * dead-lettered records by reason, the time and size of each polled batch, and the lag of every partition this
 * process consumes. Tags are bounded (tables, statuses, codes, partitions); nothing is tagged per account or change.
 */
final class ApplierMetrics {
    static final String UNDECODABLE = "undecodable";
    static final String UNKNOWN_ACCOUNT = "unknown_account";
    private static final String NO_CODE = "none";

    private final MeterRegistry registry;
    private final Map<SyncTable, Map<DecisionStatus, Map<String, Counter>>> decisions = new EnumMap<>(SyncTable.class);
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final MultiGauge lagGauge;
    private final Timer batches;
    private final DistributionSummary batchChanges;
    private final Counter redecided;

    ApplierMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (SyncTable table : SyncTable.values()) {
            decisions.put(table, new EnumMap<>(DecisionStatus.class));
            for (DecisionStatus status : DecisionStatus.values()) {
                decisions.get(table).put(status, new ConcurrentHashMap<>());
            }
            // Series exist from the start (at 0), so rates and alerts work before the first of each kind.
            counter(table, DecisionStatus.APPLIED, NO_CODE);
            counter(table, DecisionStatus.CONFLICT, NO_CODE);
            counter(table, DecisionStatus.REJECTED, Decision.NOT_FOUND);
            counter(table, DecisionStatus.REJECTED, Decision.INVALID_DATA);
            if (table.parent().isPresent()) {
                counter(table, DecisionStatus.REJECTED, Decision.MISSING_PARENT);
            }
        }
        deadLettered(UNDECODABLE, 0);
        deadLettered(UNKNOWN_ACCOUNT, 0);
        batches = Timer.builder("syncd.applier.batch")
                .description("Deciding one polled batch: decoding, the PostgreSQL transaction, dead letters and the"
                        + " offset commit (its rate of seconds is the share of time the consumer is busy)")
                .register(registry);
        batchChanges = DistributionSummary.builder("syncd.applier.batch.changes")
                .description("Records per polled batch").register(registry);
        redecided = Counter.builder("syncd.applier.batch.redecided")
                .description("Batches decided a second time, looking everything up, because they held a change decided"
                        + " before (a redelivery, a re-push) or a create of a record that exists")
                .register(registry);
        lagGauge = MultiGauge.builder("syncd.applier.lag")
                .description("Records of the partition not yet consumed by this process (end offset - position)")
                .register(registry);
    }

    /** Times one polled batch, decided or failed. */
    void batch(long nanos, int records) {
        batches.record(nanos, TimeUnit.NANOSECONDS);
        batchChanges.record(records);
    }

    /** Counts the decisions of a batch whose transaction committed, and whether it was decided a second time. */
    void decided(BatchResult result) {
        if (result.redecided()) {
            redecided.increment();
        }
        List<Decision> batch = result.decisions();
        for (Decision decision : batch) {
            counter(decision.table(), decision.status(),
                    decision.errorCode() == null ? NO_CODE : decision.errorCode()).increment();
        }
    }

    private Counter counter(SyncTable table, DecisionStatus status, String code) {
        return decisions.get(table).get(status).computeIfAbsent(code, c -> Counter.builder("syncd.decisions")
                .description("Changes decided (sync_log rows written), by table, status and rejection code")
                .tags("table", table.wireName(), "status", status.wireName(), "code", c)
                .register(registry));
    }

    void deadLettered(String reason) {
        deadLettered(reason, 1);
    }

    private void deadLettered(String reason, int count) {
        deadLettered.computeIfAbsent(reason, r -> Counter.builder("syncd.dead.lettered")
                .description("Records sent to the dead-letter topic, by reason").tag("reason", r).register(registry))
                .increment(count);
    }

    /** The current lag of partitions a consumer of this process holds. */
    void lag(Map<TopicPartition, Long> current) {
        boolean added = !lag.keySet().containsAll(current.keySet());
        lag.putAll(current);
        if (added) {
            publishLag();
        }
    }

    /** Partitions a consumer of this process no longer holds: their lag is another process's to report. */
    void forgetLag(Collection<TopicPartition> partitions) {
        if (lag.keySet().removeAll(partitions)) {
            publishLag();
        }
    }

    private synchronized void publishLag() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (TopicPartition tp : lag.keySet()) {
            rows.add(MultiGauge.Row.of(Tags.of("topic", tp.topic(), "partition", Integer.toString(tp.partition())),
                    tp, p -> lag.getOrDefault(p, 0L)));
        }
        lagGauge.register(rows, false);
    }
}

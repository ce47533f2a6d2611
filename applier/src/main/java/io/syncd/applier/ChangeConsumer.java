package io.syncd.applier;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncd.common.Backoff;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.StopSignal;
import io.syncd.common.SyncTable;
import io.syncd.common.UndecodableChangeException;

/**
 * One consumer of the applier group: polls the change topics, decides each batch in one PostgreSQL transaction,
 * then commits the Kafka offsets. The order in {@link #processBatch} is the durability argument: the database
 * commits first, so a crash before the offset commit only redelivers changes the idempotence check skips. Offsets
 * are committed asynchronously per batch, and synchronously when partitions are revoked or the consumer stops.
 */
final class ChangeConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ChangeConsumer.class);

    /** Lifecycle of the loop, reported by health. */
    enum State { STARTING, CONSUMING, RETRYING, STOPPED, FAILED }

    private final Consumer<byte[], byte[]> consumer;
    private final DeadLetters deadLetters;
    private final BatchApplier applier;
    private final ApplierProperties properties;
    private final KafkaParentProgress parentProgress;
    private final ApplierMetrics metrics;
    private long lagMeasuredAt;
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final ParkedPartitions parked;
    private final Backoff retryBackoff;
    /** Partitions of the batch that failed and waits for its retry; the retry is moot once they all moved away. */
    private final Set<TopicPartition> failedBatch = new HashSet<>();
    /** Offsets of decided batches, committed asynchronously; synchronously when partitions leave and at the end. */
    private final Map<TopicPartition, OffsetAndMetadata> decidedOffsets = new HashMap<>();
    /**
     * An asynchronous commit failed: commit the decided offsets again, idle or not. Left stale, a committed offset
     * would also hold back children waiting on that partition (KafkaParentProgress reads other appliers' commits).
     */
    private boolean commitFailed;
    private final StopSignal stopSignal = new StopSignal();
    private volatile Instant lastPoll = Instant.EPOCH;
    private volatile String lastError;

    ChangeConsumer(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> deadLetters, BatchApplier applier,
                   ApplierProperties properties, ApplierMetrics metrics) {
        this.consumer = consumer;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters(deadLetters, metrics);
        this.applier = applier;
        this.properties = properties;
        this.parentProgress = new KafkaParentProgress(consumer, decidedOffsets);
        this.parked = new ParkedPartitions(properties.parentRetry());
        this.retryBackoff = new Backoff(Duration.ofMillis(100), properties.maxRetryBackoff());
    }

    State state() {
        return state.get();
    }

    Instant lastPoll() {
        return lastPoll;
    }

    String lastError() {
        return lastError;
    }

    /** Asks the loop to finish its batch, commit and close; returns at once. */
    void stop() {
        stopSignal.stop();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(SyncTable.topics(), new Rebalance());
            lastPoll = Instant.now();
            transition(State.CONSUMING);
            int failures = 0;
            while (!stopSignal.stopped()) {
                if (!parked.isEmpty()) {
                    consumer.resume(parked.due(Instant.now()));
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(
                        parked.isEmpty() ? properties.pollTimeout() : properties.parentRetry());
                lastPoll = Instant.now();
                measureLag();
                if (commitFailed) {
                    commitFailed = !commitDecided(decidedOffsets.keySet());
                }
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    processBatch(records);
                    failures = 0;
                    failedBatch.clear();
                    transition(State.CONSUMING);
                } catch (SQLException e) {
                    failures++;
                    retryLater(records, failures, "PostgreSQL", "SQLState " + e.getSQLState(), e);
                } catch (KafkaException e) {
                    if (!isTransient(e)) {
                        throw e;
                    }
                    // A broker away (restarting, unreachable) while a parent's offsets are looked up or a record is
                    // dead-lettered. The batch's offsets are not committed, so it is decided again once Kafka answers;
                    // whatever PostgreSQL had committed of it is skipped by change id.
                    failures++;
                    retryLater(records, failures, "Kafka", e.getClass().getSimpleName(), e);
                }
            }
            transition(State.STOPPED);
        } catch (RuntimeException e) {
            lastError = e.toString();
            transition(State.FAILED);
            log.error("Applier consumer stopped on an unexpected error; it decides nothing until restarted", e);
        } finally {
            commitDecided(decidedOffsets.keySet());
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("Closing the applier consumer failed", e);
            }
        }
    }

    /** Decode, decide in one transaction, then dead-letter what cannot be decided, then commit the offsets. */
    private void processBatch(ConsumerRecords<byte[], byte[]> records) throws SQLException {
        long start = System.nanoTime();
        try {
            decideBatch(records);
        } finally {
            deadLetters.clear();
            metrics.batch(System.nanoTime() - start, records.count());
        }
    }

    private void decideBatch(ConsumerRecords<byte[], byte[]> records) throws SQLException {
        List<PolledChange> changes = new ArrayList<>(records.count());
        Map<TopicPartition, Long> poisonOffsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            try {
                changes.add(new PolledChange(ChangeEventCodec.read(record.value()), tp, record.offset()));
            } catch (UndecodableChangeException e) {
                deadLetters.add(record, ApplierMetrics.UNDECODABLE, e.getMessage());
                poisonOffsets.merge(tp, record.offset() + 1, Math::max);
            }
        }
        BatchResult result = applier.apply(changes, parentProgress);
        metrics.decided(result);
        for (PolledChange change : result.unknownAccount()) {
            ConsumerRecord<byte[], byte[]> record = findRecord(records, change);
            deadLetters.add(record, ApplierMetrics.UNKNOWN_ACCOUNT, "account " + change.event().accountId() + " does not exist");
        }
        Map<TopicPartition, OffsetAndMetadata> commits = offsetsToCommit(result, poisonOffsets);
        // Only now that PostgreSQL committed: a batch it refused is retried whole and would send them again.
        deadLetters.send(commits);
        result.parked().forEach((tp, offset) -> {
            consumer.seek(tp, offset);
            consumer.pause(Set.of(tp));
        });
        parked.batchDecided(result.parked().keySet(), Instant.now());
        decidedOffsets.putAll(commits);
        // The database holds these decisions already; should this commit be lost, redelivered changes are skipped by
        // change id. Not waiting for it lets the next batch start sooner.
        consumer.commitAsync(commits, (offsets, error) -> {
            if (error != null) {
                commitFailed = true;
                log.warn("Committing offsets after a decided batch failed; committing again: {}", error.getMessage());
            }
        });
    }

    private void retryLater(ConsumerRecords<byte[], byte[]> records, int failures, String component, String kind,
                            Exception e) {
        failedBatch.clear();
        failedBatch.addAll(records.partitions());
        lastError = component + ": " + e.getMessage();
        transition(State.RETRYING);
        Duration backoff = retryBackoff.delayAfter(failures);
        log.warn("Deciding a batch of {} changes failed ({} {}, attempt {}); retrying in {} ms: {}",
                records.count(), component, kind, failures, backoff.toMillis(), e.getMessage());
        rewind(records);
        stopSignal.pause(backoff);
    }

    /** Kafka's retriable errors (a timeout, a broker away), also when dead-lettering wrapped them. */
    private static boolean isTransient(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Everything decided or dead-lettered, except that a parked partition stops at its waiting child. */
    private static Map<TopicPartition, OffsetAndMetadata> offsetsToCommit(BatchResult result,
                                                                          Map<TopicPartition, Long> poisonOffsets) {
        Map<TopicPartition, Long> next = new HashMap<>(poisonOffsets);
        result.nextOffsets().forEach((tp, offset) -> next.merge(tp, offset, Math::max));
        next.putAll(result.parked());
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        next.forEach((tp, offset) -> commits.put(tp, new OffsetAndMetadata(offset)));
        return commits;
    }

    /** Commits, and waits for, the decided offsets of these partitions; false when Kafka refused. */
    private boolean commitDecided(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = decidedOffsets.get(tp);
            if (offset != null) {
                offsets.put(tp, offset);
            }
        }
        if (offsets.isEmpty()) {
            return true;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
            return true;
        } catch (RuntimeException e) {
            // Also on the way out after an unexpected error, where the consumer may be unusable: close must still run.
            log.warn("Committing the offsets of {} partitions failed; their decided changes will be redelivered and skipped: {}",
                    offsets.size(), e.getMessage());
            return false;
        }
    }

    /** At most once a second: the consumer knows each partition's lag from its fetches, so this asks nothing remote. */
    private void measureLag() {
        long now = System.nanoTime();
        if (now - lagMeasuredAt < 1_000_000_000L) {
            return;
        }
        lagMeasuredAt = now;
        Map<TopicPartition, Long> lags = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            consumer.currentLag(tp).ifPresent(lag -> lags.put(tp, lag));
        }
        metrics.lag(lags);
    }

    private static ConsumerRecord<byte[], byte[]> findRecord(ConsumerRecords<byte[], byte[]> records, PolledChange change) {
        for (ConsumerRecord<byte[], byte[]> record : records.records(change.source())) {
            if (record.offset() == change.offset()) {
                return record;
            }
        }
        throw new IllegalStateException("polled change not found in its batch: " + change.source() + "@" + change.offset());
    }

    /** Seeks every partition of a failed batch back to its first record, so the retry decides the same changes. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    private void transition(State next) {
        State previous = state.getAndSet(next);
        if (previous != next) {
            log.info("Applier consumer {} -> {}", previous, next);
        }
    }

    /** Partitions come and go between polls; every decided batch is already committed when they do. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitDecided(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("Applier consumer assigned {} partitions", partitions.size());
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = new HashSet<>(partitions);
            decidedOffsets.keySet().removeAll(gone);
            parked.forget(gone);
            // Health would otherwise say retrying until this consumer happens to poll a record again.
            failedBatch.removeAll(gone);
            if (failedBatch.isEmpty() && state.get() == State.RETRYING) {
                transition(State.CONSUMING);
            }
            parentProgress.forget(gone);
            metrics.forgetLag(gone);
        }
    }
}

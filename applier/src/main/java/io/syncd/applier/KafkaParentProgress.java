package io.syncd.applier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;

import io.syncd.common.SyncTable;

/**
 * Decides when a child whose parent is missing may be rejected, from Kafka's own bookkeeping.
 *
 * <p>Every parent change pushed before the child was acknowledged before the child was produced, so it sits below
 * the parent partition's end offset read after the child was consumed. That offset is the child's watermark; once
 * the group has decided the parent partition up to it (committed offset, or this batch's progress when this
 * consumer owns the partition), no earlier parent change can still arrive. The watermark is read once per child and
 * kept, so the wait is bounded even while new parent changes keep coming.
 */
final class KafkaParentProgress implements ParentProgress {
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, OffsetAndMetadata> decidedHere;
    private final Map<ChildPosition, Long> watermarks = new HashMap<>();

    private record ChildPosition(TopicPartition source, long offset) {
    }

    /** @param decidedHere offsets of the batches this consumer decided, whose commits may still be under way */
    KafkaParentProgress(Consumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> decidedHere) {
        this.consumer = consumer;
        this.decidedHere = decidedHere;
    }

    @Override
    public boolean parentChangesDecided(PolledChange child, SyncTable parentTable, Map<TopicPartition, Long> batchProgress) {
        TopicPartition parentPartition = partitionOf(parentTable, child);
        long watermark = watermarks.computeIfAbsent(new ChildPosition(child.source(), child.offset()),
                c -> consumer.endOffsets(Set.of(parentPartition), LOOKUP_TIMEOUT).getOrDefault(parentPartition, 0L));
        long decided = decidedUpTo(parentPartition, batchProgress);
        if (decided >= watermark) {
            watermarks.remove(new ChildPosition(child.source(), child.offset()));
            return true;
        }
        return false;
    }

    @Override
    public boolean decidedPast(PolledChange child, SyncTable ancestorTable, long offset,
                               Map<TopicPartition, Long> batchProgress) {
        return decidedUpTo(partitionOf(ancestorTable, child), batchProgress) > offset;
    }

    /** Forgets the watermarks of partitions this consumer no longer owns. */
    void forget(Set<TopicPartition> partitions) {
        watermarks.keySet().removeIf(c -> partitions.contains(c.source()));
    }

    private long decidedUpTo(TopicPartition partition, Map<TopicPartition, Long> batchProgress) {
        Long inBatch = batchProgress.get(partition);
        if (inBatch != null) {
            return inBatch;
        }
        OffsetAndMetadata here = decidedHere.get(partition);
        if (here != null) {
            return here.offset();
        }
        OffsetAndMetadata committed = consumer.committed(Set.of(partition), LOOKUP_TIMEOUT).get(partition);
        return committed == null ? 0 : committed.offset();
    }

    /**
     * The partition of the parent's topic that holds this account's changes: the producer's own placement of the key,
     * as the gateway refuses any other partitioner for change events (ChangeProducer).
     */
    private TopicPartition partitionOf(SyncTable table, PolledChange child) {
        byte[] key = child.event().accountId().toString().getBytes(StandardCharsets.UTF_8);
        int partitions = consumer.partitionsFor(table.topic(), LOOKUP_TIMEOUT).size();
        return new TopicPartition(table.topic(), BuiltInPartitioner.partitionForKey(key, partitions));
    }
}

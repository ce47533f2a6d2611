package io.syncd.projector.replay;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import io.syncd.applier.ReplayApplier.ReplayedChange;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.SyncTable;
import io.syncd.common.UndecodableChangeException;
import io.syncd.edge.errors.ApiException;

/**
 * Reads every partition of the change topics from its beginning up to the end offset it had when the reader was
 * opened, and hands the change events out merged into one order ({@link #MERGE_ORDER}), offsets in order within
 * each partition. Records that are not change events (the applier dead-lettered them) are skipped and counted.
 */
final class ChangeTopicsReader implements AutoCloseable {
    private static final int BUFFERED_PER_PARTITION = 500;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Which partition's next change comes first: the one the broker appended first. The change topics keep the
     * broker's append time as record timestamp (LogAppendTime), which grows within a partition, and a child is sent
     * only once its parent was acknowledged (or a delete it must follow), so the parent is appended first. Within one
     * millisecond, parents go first. The events' {@code received_at} is no order: pushes of different accounts share
     * partitions, and one accepted earlier may be appended later than one accepted after it. Two pushes of one account
     * in flight at the same time (a child beside its parent's create or delete) may have been decided the other way
     * round by the applier: docs/ARCHITECTURE.md, "Verify from Kafka".
     */
    static final Comparator<Read> MERGE_ORDER = Comparator
            .comparingLong(Read::timestamp)
            .thenComparingInt(r -> r.change().event().table().stage())
            .thenComparing(r -> r.change().topic())
            .thenComparingInt(r -> r.change().partition());

    /** One change event and its Kafka record timestamp. */
    record Read(ReplayedChange change, long timestamp) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Duration stallTimeout;
    private final Map<TopicPartition, Long> ends = new HashMap<>();
    private final Map<TopicPartition, ArrayDeque<Read>> buffers = new HashMap<>();
    /** Partitions not yet read up to their end offset. */
    private final Set<TopicPartition> open = new HashSet<>();
    private long undecodable;

    /**
     * Assigns every partition of the change topics and reads their end offsets; 409 when retention has deleted
     * the start of any of them (the topics no longer hold every change). Closes the consumer if it fails.
     */
    static ChangeTopicsReader open(Consumer<byte[], byte[]> consumer, Duration stallTimeout) {
        try {
            return new ChangeTopicsReader(consumer, stallTimeout);
        } catch (RuntimeException e) {
            consumer.close(Duration.ofSeconds(5));
            throw e;
        }
    }

    private ChangeTopicsReader(Consumer<byte[], byte[]> consumer, Duration stallTimeout) {
        this.consumer = consumer;
        this.stallTimeout = stallTimeout;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : SyncTable.topics()) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, LOOKUP_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw ApiException.unavailable("the change topic " + topic + " was not found on Kafka");
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        consumer.beginningOffsets(partitions, LOOKUP_TIMEOUT).forEach((tp, begin) -> {
            if (begin > 0) {
                throw ApiException.conflict(tp + " starts at offset " + begin + ": retention has deleted older changes, so the topics no"
                        + " longer rebuild the tables; verify from sync_log");
            }
        });
        ends.putAll(consumer.endOffsets(partitions, LOOKUP_TIMEOUT));
        consumer.seekToBeginning(partitions);
        for (TopicPartition tp : partitions) {
            buffers.put(tp, new ArrayDeque<>());
            if (ends.get(tp) > 0) {
                open.add(tp);
            }
        }
    }

    /** The end offset of each partition when the reader was opened: where reading stops. */
    Map<TopicPartition, Long> ends() {
        return Map.copyOf(ends);
    }

    /** Records below the end offsets (every partition starts at 0): change events and records skipped as poison. */
    long total() {
        return ends.values().stream().mapToLong(Long::longValue).sum();
    }

    long undecodable() {
        return undecodable;
    }

    /** The next change in merge order, or null when every partition is read up to its end offset. */
    Read next() {
        fill();
        TopicPartition first = null;
        Read best = null;
        for (Map.Entry<TopicPartition, ArrayDeque<Read>> buffer : buffers.entrySet()) {
            Read head = buffer.getValue().peekFirst();
            if (head != null && (best == null || MERGE_ORDER.compare(head, best) < 0)) {
                best = head;
                first = buffer.getKey();
            }
        }
        if (first != null) {
            buffers.get(first).pollFirst();
        }
        return best;
    }

    /** Polls until every partition not read to its end has a change buffered: only then is the first one known. */
    private void fill() {
        long stalledSince = System.nanoTime();
        while (true) {
            List<TopicPartition> starving = open.stream().filter(tp -> buffers.get(tp).isEmpty()).toList();
            if (starving.isEmpty()) {
                return;
            }
            // Partitions with enough buffered stay paused, so memory stays bounded while the starving ones are fetched.
            List<TopicPartition> full = new ArrayList<>();
            List<TopicPartition> hungry = new ArrayList<>();
            for (TopicPartition tp : open) {
                (buffers.get(tp).size() >= BUFFERED_PER_PARTITION ? full : hungry).add(tp);
            }
            consumer.pause(full);
            consumer.resume(hungry);
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < ends.get(tp)) {
                    add(tp, record);
                }
            }
            boolean progressed = !records.isEmpty();
            for (TopicPartition tp : starving) {
                if (consumer.position(tp, LOOKUP_TIMEOUT) >= ends.get(tp)) {
                    open.remove(tp);
                    consumer.pause(List.of(tp));
                    progressed = true;
                }
            }
            if (progressed) {
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > stallTimeout.toNanos()) {
                throw ApiException.unavailable("reading the change topics made no progress for "
                        + stallTimeout.toSeconds() + " s; is Kafka reachable?");
            }
        }
    }

    private void add(TopicPartition tp, ConsumerRecord<byte[], byte[]> record) {
        try {
            ReplayedChange change = new ReplayedChange(ChangeEventCodec.read(record.value()), tp.topic(),
                    tp.partition(), record.offset());
            buffers.get(tp).addLast(new Read(change, record.timestamp()));
        } catch (UndecodableChangeException e) {
            undecodable++;
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

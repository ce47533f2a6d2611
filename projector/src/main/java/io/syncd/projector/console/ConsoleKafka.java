package io.syncd.projector.console;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

import io.syncd.common.SyncTable;
import io.syncd.common.Topics;
import io.syncd.edge.errors.ApiException;

/**
 * What the console reads from Kafka: the broker's reachability, the applier group's members and its lag per
 * partition of the change topics, and the dead-letter topic. Reads only: it joins no group and commits nothing.
 */
@Component
class ConsoleKafka implements DisposableBean {
    /** Every call to the broker is bounded: the console must answer (with the broker DOWN) while Kafka is away. */
    private static final long TIMEOUT_MS = 3_000;

    private final KafkaProperties kafka;
    private final Admin admin;

    ConsoleKafka(KafkaProperties kafka) {
        this.kafka = kafka;
        this.admin = Admin.create(kafka.buildAdminProperties());
    }

    /** One partition of a change topic: records not decided yet, and how long the oldest of them has waited. */
    record PartitionLag(String topic, int partition, long changes, Long ageMs) {
    }

    /** A record of the dead-letter topic: when it was dead-lettered, why, and where it came from. */
    record DeadLetter(Instant at, String reason, String source) {
    }

    /** The dead-letter topic: how many records it holds, and the last few. */
    record DeadLetters(long count, List<DeadLetter> last) {
    }

    void checkBroker() throws Exception {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT_MS)).nodes()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Members of the applier's consumer group now (0: no applier consumes, decisions wait). */
    int applierMembers() throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(Topics.APPLIER_GROUP))
                .all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(Topics.APPLIER_GROUP);
        return group == null ? 0 : group.members().size();
    }

    /**
     * Per partition of every change topic: end offset minus the applier group's committed offset (which follows
     * PostgreSQL's commits), and the age of the first record not committed, read from that offset.
     */
    List<PartitionLag> applierLag() {
        try {
            List<TopicPartition> partitions = partitionsOf(Arrays.stream(SyncTable.values()).map(SyncTable::topic).toList());
            Map<TopicPartition, Long> ends = endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Topics.APPLIER_GROUP)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> behindFrom = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata c = committed.get(partition);
                long from = c == null ? beginningOf(partition) : c.offset();
                if (ends.get(partition) > from) {
                    behindFrom.put(partition, from);
                }
            }
            Map<TopicPartition, Long> oldest = firstTimestamps(behindFrom);
            long now = System.currentTimeMillis();
            List<PartitionLag> lag = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                Long from = behindFrom.get(partition);
                long changes = from == null ? 0 : ends.get(partition) - from;
                Long at = oldest.get(partition);
                lag.add(new PartitionLag(partition.topic(), partition.partition(), changes,
                        at == null ? null : Math.max(0, now - at)));
            }
            lag.sort(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition));
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("cannot read the applier's offsets from Kafka: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while reading Kafka");
        }
    }

    /** The dead-letter topic's size (records retained) and its {@code last} newest records' reasons. */
    DeadLetters deadLetters(int last) {
        try {
            List<TopicPartition> partitions = partitionsOf(List.of(Topics.DEAD_LETTER));
            Map<TopicPartition, Long> ends = endOffsets(partitions);
            Map<TopicPartition, Long> starts = new HashMap<>();
            long count = 0;
            for (TopicPartition partition : partitions) {
                long begin = beginningOf(partition);
                count += ends.get(partition) - begin;
                if (ends.get(partition) > begin) {
                    starts.put(partition, Math.max(begin, ends.get(partition) - last));
                }
            }
            List<DeadLetter> letters = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : read(starts, ends)) {
                letters.add(new DeadLetter(Instant.ofEpochMilli(record.timestamp()),
                        header(record, Topics.DLT_REASON_HEADER), header(record, Topics.DLT_SOURCE_HEADER)));
            }
            letters.sort(Comparator.comparing(DeadLetter::at).reversed());
            return new DeadLetters(count, letters.subList(0, Math.min(last, letters.size())));
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("cannot read the dead-letter topic from Kafka: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while reading Kafka");
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private List<TopicPartition> partitionsOf(Collection<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        described.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        return partitions;
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) throws ExecutionException, InterruptedException, TimeoutException {
        return offsets(partitions, OffsetSpec.latest());
    }

    private long beginningOf(TopicPartition partition) throws ExecutionException, InterruptedException, TimeoutException {
        return offsets(List.of(partition), OffsetSpec.earliest()).get(partition);
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    /** The timestamp of the record at each given offset. */
    private Map<TopicPartition, Long> firstTimestamps(Map<TopicPartition, Long> from) {
        Map<TopicPartition, Long> until = new HashMap<>();
        from.forEach((partition, offset) -> until.put(partition, offset + 1));
        Map<TopicPartition, Long> timestamps = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : read(from, until)) {
            timestamps.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.timestamp());
        }
        return timestamps;
    }

    /** The records from each partition's offset in {@code from} up to (not including) its offset in {@code until}. */
    private List<ConsumerRecord<byte[], byte[]>> read(Map<TopicPartition, Long> from, Map<TopicPartition, Long> until) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        if (from.isEmpty()) {
            return records;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> left = new HashMap<>(from);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (left.containsKey(partition) && record.offset() < until.get(partition)) {
                        records.add(record);
                    }
                }
                // A partition is done once its position passed the end wanted (transaction markers have offsets too).
                left.keySet().removeIf(p -> consumer.position(p) >= until.get(p));
            }
        }
        return records;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // Assigned partitions and seeks only: no group, nothing committed.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "syncd-console-" + UUID.randomUUID().toString().substring(0, 8));
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void destroy() {
        admin.close();
    }
}

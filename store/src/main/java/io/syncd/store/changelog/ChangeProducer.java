package io.syncd.store.changelog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.SyncTable;

/** Puts change events on their table's topic (key = account id) and returns only once Kafka acknowledged all. */
public final class ChangeProducer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeProducer.class);

    private final Producer<String, byte[]> producer;
    private final Duration sendTimeout;

    /** @param sendTimeout how long {@link #sendAll} waits for Kafka's acknowledgements before failing with 503 */
    public ChangeProducer(KafkaProperties kafka, Duration sendTimeout) {
        this(new KafkaProducer<>(config(kafka, sendTimeout), new StringSerializer(), new ByteArraySerializer()),
                sendTimeout);
    }

    ChangeProducer(Producer<String, byte[]> producer, Duration sendTimeout) {
        this.producer = producer;
        this.sendTimeout = sendTimeout;
    }

    static Map<String, Object> config(KafkaProperties kafka, Duration sendTimeout) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        refuseOtherPlacement(config);
        // Guarantee 1: an answered push is on every in-sync replica, exactly once and in order per partition.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // A push's changes to one table share a partition (key = account): let them go as one batch of one request.
        // With linger 0 and 16 KB batches, 50 changes with strokes went out as ~17 requests in a row (13 ms), and
        // reached the applier split over several polls.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
        // Strokes compress well; lz4 is cheap on the CPU (spring.kafka.producer.compression-type chooses another).
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // A record holds up to 1 MiB of data plus its envelope.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        // Fail within the send timeout when Kafka is unreachable, so the device gets a 503 it can retry.
        int timeout = (int) sendTimeout.toMillis();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        // Kafka requires room for the linger on top of the request timeout.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + 1);
        return config;
    }

    /**
     * An account's changes must land where Kafka's built-in partitioner puts their key (the account id): the applier
     * computes that partition to find a child's parent (KafkaParentProgress), and would wait on the wrong one.
     */
    private static void refuseOtherPlacement(Map<String, Object> config) {
        Object partitioner = config.get(ProducerConfig.PARTITIONER_CLASS_CONFIG);
        if (partitioner != null) {
            throw new IllegalArgumentException("spring.kafka.producer.properties." + ProducerConfig.PARTITIONER_CLASS_CONFIG
                    + " is set (" + partitioner + "): remove it. Change events are placed by Kafka's built-in partitioner"
                    + " on their key (the account id), where the applier looks for a child's parent changes.");
        }
        if (Boolean.parseBoolean(String.valueOf(config.get(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG)))) {
            throw new IllegalArgumentException("spring.kafka.producer.properties." + ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG
                    + " is true: remove it. Change events are placed by their key (the account id), where the applier"
                    + " looks for a child's parent changes.");
        }
    }

    /**
     * Sends every event and waits for every acknowledgement. Throws {@link ChangeLogUnavailableException} (a 503 at the
     * edge) when any is not acknowledged; some may then be queued, which is safe because a retry with the same change ids decides nothing twice.
     *
     * <p>The topics are consumed independently, so a request whose order matters across tables is sent stage by stage
     * (books; events; notes and drawings), each once the one before is acknowledged:
     * <ul>
     * <li>A child whose parent is missing waits until the parent's partition is decided up to the end offset read when
     * the child was met; every parent change acknowledged before the child was produced lies below it. A parent in the
     * same request is below it only if it was acknowledged first: sent together, the broker may show the child's
     * partition to the applier before it has appended the parent's, and the child would be rejected.</li>
     * <li>A delete of a parent cascades to its children, so a request's changes below a deleted parent must be decided
     * after that delete (PROTOCOL.md: parents first within a request): they carry the offsets of the deletes they follow
     * ({@link ChangeEvent#after()}), and the applier holds them until those offsets are decided.</li>
     * </ul>
     * Any other request is sent at once.
     */
    public void sendAll(List<ChangeEvent> events) {
        long deadline = System.nanoTime() + sendTimeout.toNanos();
        try {
            if (events.stream().noneMatch(ChangeProducer::cascades) && !upsertsParentAndChild(events)) {
                sendAndAwait(events, deadline);
                return;
            }
            Map<SyncTable, Long> deleteOffsets = new EnumMap<>(SyncTable.class);
            int lastStage = events.stream().mapToInt(e -> e.table().stage()).max().orElse(0);
            for (int stage = 0; stage <= lastStage; stage++) {
                List<ChangeEvent> batch = new ArrayList<>();
                for (ChangeEvent event : events) {
                    if (event.table().stage() == stage) {
                        batch.add(event.withAfter(ancestorOffsets(event.table(), deleteOffsets)));
                    }
                }
                List<RecordMetadata> acks = sendAndAwait(batch, deadline);
                for (int i = 0; i < batch.size(); i++) {
                    if (cascades(batch.get(i))) {
                        deleteOffsets.merge(batch.get(i).table(), acks.get(i).offset(), Math::max);
                    }
                }
            }
        } catch (KafkaException | ExecutionException | TimeoutException e) {
            log.warn("Kafka did not acknowledge a push of {} changes: {}", events.size(), e.toString());
            throw new ChangeLogUnavailableException("the change log is unavailable; retry with the same change ids");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChangeLogUnavailableException("interrupted while queueing; retry with the same change ids");
        }
    }

    private List<RecordMetadata> sendAndAwait(List<ChangeEvent> events, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        // Encoded before the first send, so that the sends follow each other closely: a push's records then more often
        // reach the broker in one request within the linger, and the applier decides them in one transaction.
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        for (ChangeEvent event : events) {
            records.add(new ProducerRecord<>(event.table().topic(), event.accountId().toString(),
                    ChangeEventCodec.encode(event)));
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (ProducerRecord<String, byte[]> record : records) {
            acks.add(producer.send(record));
        }
        List<RecordMetadata> sent = new ArrayList<>(acks.size());
        for (Future<RecordMetadata> ack : acks) {
            sent.add(ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        }
        return sent;
    }

    /** Whether the request writes a record of some table and one of its parent table (the child's own parent or not). */
    private static boolean upsertsParentAndChild(List<ChangeEvent> events) {
        Set<SyncTable> upserted = EnumSet.noneOf(SyncTable.class);
        for (ChangeEvent event : events) {
            if (event.op() == ChangeOp.UPSERT) {
                upserted.add(event.table());
            }
        }
        return upserted.stream().anyMatch(table -> table.parent().map(upserted::contains).orElse(false));
    }

    private static boolean cascades(ChangeEvent event) {
        return event.op() == ChangeOp.DELETE && !event.table().children().isEmpty();
    }

    /** The offsets of this request's deletes in the table's ancestors, sent before it. */
    private static Map<SyncTable, Long> ancestorOffsets(SyncTable table, Map<SyncTable, Long> deleteOffsets) {
        Map<SyncTable, Long> after = new EnumMap<>(SyncTable.class);
        for (SyncTable ancestor = table.parent().orElse(null); ancestor != null; ancestor = ancestor.parent().orElse(null)) {
            Long offset = deleteOffsets.get(ancestor);
            if (offset != null) {
                after.put(ancestor, offset);
            }
        }
        return after;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}

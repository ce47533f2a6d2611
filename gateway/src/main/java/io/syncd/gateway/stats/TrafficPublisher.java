package io.syncd.gateway.stats;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

import io.syncd.common.Topics;
import io.syncd.common.TrafficEvent;

/**
 * Puts traffic events on {@link Topics#TRAFFIC} from a thread of its own, so a request never waits for Kafka (not
 * even for its metadata) and never fails because of statistics. An event that cannot be sent is dropped and
 * counted; the statistics then undercount, and the log says by how much (at most one warning every 10 s).
 */
public final class TrafficPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrafficPublisher.class);
    private static final int QUEUE = 10_000;
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final KafkaProducer<String, byte[]> producer;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread thread = new Thread(r, "traffic-publisher");
                thread.setDaemon(true);
                return thread;
            });
    private final AtomicLong dropped = new AtomicLong();
    private volatile long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

    public TrafficPublisher(KafkaProperties kafka) {
        this.producer = new KafkaProducer<>(config(kafka), new StringSerializer(), new ByteArraySerializer());
    }

    static Map<String, Object> config(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "syncd-traffic-" + UUID.randomUUID().toString().substring(0, 8));
        // Idempotent (which needs acks=all): a retried send is never counted twice.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Many tiny events: let them gather into a few requests.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        // Uncompressed: a batch of a few ~200-byte events gains little, and Kafka's lz4 stream allocates two 64 KB
        // blocks per batch (5 MB/s of garbage in the gateway during the bench's seed syncs, in JFR's thread totals).
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        // Only the publisher's own thread ever blocks; with Kafka away it gives up on an event after 5 s (counted as
        // dropped) instead of a minute, so it also stops promptly on shutdown.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        return config;
    }

    /** Queues the event for sending; returns at once. */
    public void publish(TrafficEvent event) {
        try {
            sender.execute(() -> send(event));
        } catch (RejectedExecutionException e) {
            dropped(1, "the queue of " + QUEUE + " unsent events is full");
        }
    }

    private void send(TrafficEvent event) {
        try {
            producer.send(new ProducerRecord<>(Topics.TRAFFIC, event.accountId().toString(), event.encode()),
                    (metadata, error) -> {
                        if (error != null) {
                            dropped(1, error.toString());
                        }
                    });
        } catch (RuntimeException e) {
            dropped(1, e.toString());
        }
    }

    private void dropped(long events, String reason) {
        long total = dropped.addAndGet(events);
        long now = System.nanoTime();
        if (now - lastWarning >= WARN_EVERY_NANOS) {
            lastWarning = now;
            log.warn("Traffic statistics undercount: {} events could not be published so far; latest reason: {}",
                    total, reason);
        }
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}

package io.syncd.projector.stats;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import io.syncd.common.Backoff;
import io.syncd.common.StopSignal;
import io.syncd.common.Topics;
import io.syncd.projector.ProjectorProperties;

/**
 * Keeps the statistics read model on a thread of its own: folds the traffic events as they arrive and the decided
 * changes every {@code sync.projector.stats-interval}. After any failure (PostgreSQL or Kafka away) it backs off,
 * then rewinds the consumer to the offsets stored with the counts and goes on: nothing is lost or counted twice.
 */
@Component
public class StatsProjection implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(StatsProjection.class);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    private final KafkaProperties kafka;
    private final Duration interval;
    private final DecisionsFold decisions;
    private final TrafficFold traffic;
    private volatile StopSignal stopSignal = new StopSignal();
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    StatsProjection(KafkaProperties kafka, ProjectorProperties properties, JdbcClient jdbc,
                    PlatformTransactionManager transactionManager) {
        StatsTransactions transactions = new StatsTransactions(jdbc, transactionManager);
        this.kafka = kafka;
        this.interval = properties.statsInterval();
        this.decisions = new DecisionsFold(jdbc, transactions);
        this.traffic = new TrafficFold(jdbc, transactions);
    }

    @Override
    public synchronized void start() {
        running = true;
        stopSignal = new StopSignal();
        thread = new Thread(this::run, "stats-projection");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        stopSignal.stop();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops with the roles, long before the data source closes. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            boolean rewind = true;
            int failures = 0;
            long nextFold = System.nanoTime();
            while (!stopSignal.stopped()) {
                try {
                    if (rewind) {
                        rewind = !rewind(c);
                    }
                    long untilFold = Math.max(0, nextFold - System.nanoTime());
                    ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofNanos(Math.min(untilFold,
                            Duration.ofMillis(500).toNanos())));
                    if (!records.isEmpty()) {
                        seekWhereStored(c, traffic.fold(records));
                    }
                    if (System.nanoTime() >= nextFold) {
                        decisions.fold();
                        nextFold = System.nanoTime() + interval.toNanos();
                    }
                    if (failures > 0) {
                        log.info("Statistics are folding again after {} failed attempts", failures);
                    }
                    failures = 0;
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    failures++;
                    rewind = true;
                    Duration backoff = BACKOFF.delayAfter(failures);
                    if (failures == 1 || failures % 20 == 0) {
                        log.warn("Folding statistics failed (attempt {}); retrying in {} ms: {}", failures,
                                backoff.toMillis(), e.toString());
                    }
                    stopSignal.pause(backoff);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer = null;
        }
    }

    /** Assigns every partition of the traffic topic and seeks each to the offset stored with the counts. */
    private boolean rewind(KafkaConsumer<byte[], byte[]> c) {
        List<PartitionInfo> infos = c.partitionsFor(Topics.TRAFFIC, Duration.ofSeconds(10));
        if (infos == null || infos.isEmpty()) {
            log.warn("Topic {} not found; traffic statistics wait for it", Topics.TRAFFIC);
            return false;
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        c.assign(partitions);
        Map<Integer, Long> stored = traffic.cursors(partitions.stream().map(TopicPartition::partition).toList());
        for (TopicPartition tp : partitions) {
            c.seek(tp, stored.getOrDefault(tp.partition(), 0L));
        }
        return true;
    }

    /** After a fold, reads on where the stored offsets say (further than polled when another projector counted). */
    private static void seekWhereStored(KafkaConsumer<byte[], byte[]> c, Map<Integer, Long> stored) {
        for (TopicPartition tp : c.assignment()) {
            Long next = stored.get(tp.partition());
            if (next != null && next > c.position(tp)) {
                c.seek(tp, next);
            }
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // Assigned partitions, no group: the offsets that count are the ones stored with the statistics.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "syncd-stats-" + UUID.randomUUID().toString().substring(0, 8));
        // Past retention, a stored offset no longer exists: go on from the oldest event kept.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // One small event per request: let the broker gather them for up to half a second, so a busy gateway costs
        // a fold or two a second rather than one per request.
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1024 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        return config;
    }

}

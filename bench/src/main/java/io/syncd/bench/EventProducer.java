package io.syncd.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces encoded change events with the gateway's guarantees ({@code acks=all}, idempotent, lz4) as fast as Kafka
 * takes them, and fails loudly unless every one sent was acknowledged.
 */
final class EventProducer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private long sent;

    /**
     * @param client the broker's address and login ({@code EmbeddedKafka#clientProperties})
     * @param settings producer settings on top of the gateway's guarantees (e.g. its linger and batch size)
     */
    EventProducer(Map<String, Object> client, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.putAll(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends one record and waits for its acknowledgement; not counted by {@link #flush}. */
    void sendAndWait(ProducerRecord<String, byte[]> record) throws Exception {
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    /** Sends without waiting; {@link #flush} checks the acknowledgement. */
    void send(ProducerRecord<String, byte[]> record) {
        sent++;
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                acknowledged.incrementAndGet();
            }
        });
    }

    /** Waits until everything sent is acknowledged; throws, naming {@code what}, when any was not. */
    void flush(String what) {
        producer.flush();
        if (failure.get() != null || acknowledged.get() != sent) {
            throw new IllegalStateException(what + ": " + acknowledged.get() + " of " + sent + " records acknowledged",
                    failure.get());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}

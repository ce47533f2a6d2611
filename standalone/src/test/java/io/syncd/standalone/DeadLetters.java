package io.syncd.standalone;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.syncd.common.Topics;

/** Poison records for tests: raw bytes that are no change event, put on a change topic, and found in the dead-letter topic. */
public final class DeadLetters {
    private DeadLetters() {
    }

    /**
     * Produces {@code {"not":"an event","marker":…}} to the books topic with the account's id as key, so it lands on
     * the partition of that account's pushes; returns the marker that identifies it.
     */
    public static String producePoison(Map<String, Object> client, String accountId) {
        String marker = "poison-" + UUID.randomUUID();
        produce(client, "sync.changes.books", accountId,
                ("{\"not\":\"an event\",\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8));
        return marker;
    }

    /** Puts {@code value} on {@code topic} keyed by the account, as the gateway would, bypassing its validation. */
    static void produce(Map<String, Object> client, String topic, String accountId, byte[] value) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, accountId, value));
            producer.flush();
        }
    }

    /** Waits (bounded) for the dead letter whose value holds {@code marker}. */
    static ConsumerRecord<byte[], byte[]> awaitLetter(Map<String, Object> client, String marker, Duration within) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTER));
            List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
            await("the poison record " + marker + " in " + Topics.DEAD_LETTER).atMost(within).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                return letters.stream().anyMatch(r -> holds(r, marker));
            });
            return letters.stream().filter(r -> holds(r, marker)).findFirst().orElseThrow();
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> letter, String name) {
        return new String(letter.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static boolean holds(ConsumerRecord<byte[], byte[]> letter, String marker) {
        return new String(letter.value(), StandardCharsets.UTF_8).contains(marker);
    }
}

package io.syncd.applier;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncd.common.Topics;

/**
 * The records of one batch that cannot be decided (not a change event, or an unknown account), put on the dead-letter
 * topic with their reason once the batch's transaction committed. Sent before that, every retry of a batch PostgreSQL
 * refused would send them again.
 */
final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final Producer<byte[], byte[]> producer;
    private final ApplierMetrics metrics;
    private final List<Letter> letters = new ArrayList<>();

    private record Letter(ConsumerRecord<byte[], byte[]> record, String kind, String reason) {
    }

    DeadLetters(Producer<byte[], byte[]> producer, ApplierMetrics metrics) {
        this.producer = producer;
        this.metrics = metrics;
    }

    /** Keeps the record for {@link #send}; a batch starts with none. */
    void add(ConsumerRecord<byte[], byte[]> record, String kind, String reason) {
        letters.add(new Letter(record, kind, reason));
    }

    /** Forgets the kept records: the batch failed and is polled again. */
    void clear() {
        letters.clear();
    }

    /**
     * Sends the kept records below the offsets about to be committed and waits for Kafka's acknowledgement; the others
     * are at or after a parked child's offset, are polled again and sent then. Throws when Kafka does not acknowledge
     * one: the offsets are then not committed, the batch is decided again (its decisions skipped by change id) and its
     * letters sent again; a letter may be sent twice, never lost.
     */
    void send(Map<TopicPartition, OffsetAndMetadata> commits) {
        try {
            for (Letter letter : letters) {
                ConsumerRecord<byte[], byte[]> record = letter.record();
                OffsetAndMetadata next = commits.get(new TopicPartition(record.topic(), record.partition()));
                if (next != null && record.offset() < next.offset()) {
                    send(letter);
                }
            }
        } finally {
            letters.clear();
        }
    }

    private void send(Letter letter) {
        ConsumerRecord<byte[], byte[]> record = letter.record();
        String source = record.topic() + "/" + record.partition() + "@" + record.offset();
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(Topics.DEAD_LETTER, record.key(), record.value());
        dead.headers().add(Topics.DLT_REASON_HEADER, letter.reason().getBytes(StandardCharsets.UTF_8));
        dead.headers().add(Topics.DLT_SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(dead).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while dead-lettering " + source + " (" + letter.reason() + ")", e);
        } catch (Exception e) {
            throw new KafkaException("Could not dead-letter " + source + " (" + letter.reason() + ")", e);
        }
        metrics.deadLettered(letter.kind());
        log.warn("Dead-lettered {}: {}", source, letter.reason());
    }
}

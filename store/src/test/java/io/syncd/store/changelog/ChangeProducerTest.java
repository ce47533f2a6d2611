package io.syncd.store.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.SyncTable;

/**
 * The order in which a push reaches Kafka, on a producer whose acknowledgements the test gives by hand: a request
 * that writes parents and children goes stage by stage, each stage only once Kafka acknowledged the one before, so
 * that the applier never meets a child before its parent is in the log (see {@link ChangeProducer#sendAll}).
 * The applier's side of it is tested against a real broker and PostgreSQL (RequestOrderTest, BatchApplierTest).
 */
class ChangeProducerTest {
    private final UUID account = UUID.randomUUID();
    private final MockProducer<String, byte[]> kafka = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final ChangeProducer producer = new ChangeProducer(kafka, Duration.ofSeconds(10));

    private ChangeEvent upsert(SyncTable table) {
        return new ChangeEvent(UUID.randomUUID(), account, account, table, ChangeOp.UPSERT, UUID.randomUUID(), 0,
                "{}", Instant.now());
    }

    private List<String> sentTopics() {
        return kafka.history().stream().map(ProducerRecord::topic).toList();
    }

    @Test
    void parentsAndChildrenGoStageByStageEachAfterTheOneBeforeIsAcknowledged() {
        ChangeEvent note = upsert(SyncTable.NOTES);
        ChangeEvent drawing = upsert(SyncTable.SCHEDULE_DRAWINGS);
        ChangeEvent event = upsert(SyncTable.EVENTS);
        ChangeEvent book = upsert(SyncTable.BOOKS);

        CompletableFuture<Void> push = CompletableFuture.runAsync(() -> producer.sendAll(List.of(note, drawing, event, book)));

        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 1);
        assertThat(sentTopics()).containsExactly(SyncTable.BOOKS.topic());
        kafka.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 2);
        assertThat(sentTopics()).containsExactly(SyncTable.BOOKS.topic(), SyncTable.EVENTS.topic());
        kafka.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 4);
        assertThat(sentTopics().subList(2, 4)).containsExactly(SyncTable.NOTES.topic(), SyncTable.SCHEDULE_DRAWINGS.topic());
        assertThat(push).isNotDone();
        kafka.completeNext();
        kafka.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(push::isDone);
        assertThat(push).isCompleted();
    }

    @Test
    void aRequestWithoutParentsOfItsChildrenIsSentAtOnce() {
        List<ChangeEvent> changes = List.of(upsert(SyncTable.NOTES), upsert(SyncTable.BOOKS), upsert(SyncTable.NOTES));

        CompletableFuture<Void> push = CompletableFuture.runAsync(() -> producer.sendAll(changes));

        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 3);
        assertThat(sentTopics()).containsExactly(SyncTable.NOTES.topic(), SyncTable.BOOKS.topic(), SyncTable.NOTES.topic());
        for (int i = 0; i < 3; i++) {
            kafka.completeNext();
        }
        await().atMost(Duration.ofSeconds(5)).until(push::isDone);
        assertThat(push).isCompleted();
    }

    @Test
    void changeEventsAreLz4CompressedUnlessTheOperatorChoosesAnotherCompression() {
        KafkaProperties defaults = new KafkaProperties();
        KafkaProperties zstd = new KafkaProperties();
        zstd.getProducer().setCompressionType("zstd");

        assertThat(ChangeProducer.config(defaults, Duration.ofSeconds(10)))
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4").containsEntry(ProducerConfig.ACKS_CONFIG, "all");
        assertThat(ChangeProducer.config(zstd, Duration.ofSeconds(10)))
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd").containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }

    @Test
    void aConfiguredPartitionerIsRefusedSinceTheApplierLooksForParentsWhereTheAccountKeyIsPlaced() {
        KafkaProperties roundRobin = new KafkaProperties();
        roundRobin.getProducer().getProperties().put(ProducerConfig.PARTITIONER_CLASS_CONFIG,
                RoundRobinPartitioner.class.getName());
        KafkaProperties keysIgnored = new KafkaProperties();
        keysIgnored.getProducer().getProperties().put(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, "true");

        assertThatThrownBy(() -> ChangeProducer.config(roundRobin, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spring.kafka.producer.properties.partitioner.class is set ("
                        + RoundRobinPartitioner.class.getName() + "): remove it");
        assertThatThrownBy(() -> ChangeProducer.config(keysIgnored, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spring.kafka.producer.properties.partitioner.ignore.keys is true: remove it");
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Test;

import io.syncd.common.Topics;
import tools.jackson.databind.JsonNode;

/** A record that is not a change event goes to the dead-letter topic with its reason; its partition keeps flowing. */
class PoisonRecordTest {
    private final Api api = TestServer.api();

    @Test
    void aPoisonRecordIsDeadLetteredAndLaterChangesOnItsPartitionStillApply() {
        Api.Device device = api.newDevice();
        String bootstrap = TestServer.server().infrastructure().kafka().bootstrapServers();
        String marker = "poison-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            // Same key as the device's pushes: the same partition of the books topic.
            producer.send(new ProducerRecord<>("sync.changes.books", device.accountId(),
                    ("{\"not\":\"an event\",\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }

        JsonNode after = api.push(device, upsert("books", UUID.randomUUID(), 0, book("after the poison")))
                .body().get("results").get(0);

        assertThat(after.get("status").stringValue()).isEqualTo("applied");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "poison-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTER));
            List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                return letters.stream().anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker));
            });
            ConsumerRecord<byte[], byte[]> letter = letters.stream()
                    .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker)).findFirst().orElseThrow();
            assertThat(new String(letter.headers().lastHeader(Topics.DLT_REASON_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo("unknown field not");
            assertThat(new String(letter.headers().lastHeader(Topics.DLT_SOURCE_HEADER).value(), StandardCharsets.UTF_8))
                    .startsWith("sync.changes.books/");
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo(device.accountId());
        }
        // Dead-lettering is the whole reaction: no consumer may have stopped over it (another would hide that).
        Api.Response health = api.get("/health", null);
        assertThat(health.status()).as(health.text()).isEqualTo(200);
    }
}

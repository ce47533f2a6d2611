package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.syncd.common.Topics;
import tools.jackson.databind.JsonNode;

/** A record that is not a change event goes to the dead-letter topic with its reason; its partition keeps flowing. */
class PoisonRecordTest {
    private final Api api = TestServer.api();

    @Test
    void aPoisonRecordIsDeadLetteredAndLaterChangesOnItsPartitionStillApply() {
        Api.Device device = api.newDevice();
        Map<String, Object> kafka = TestServer.server().infrastructure().kafka().clientProperties();
        String marker = DeadLetters.producePoison(kafka, device.accountId());

        JsonNode after = api.push(device, upsert("books", UUID.randomUUID(), 0, book("after the poison")))
                .body().get("results").get(0);

        assertThat(after.get("status").stringValue()).isEqualTo("applied");
        ConsumerRecord<byte[], byte[]> letter = DeadLetters.awaitLetter(kafka, marker, Duration.ofSeconds(30));
        assertThat(DeadLetters.header(letter, Topics.DLT_REASON_HEADER)).isEqualTo("unknown field not");
        assertThat(DeadLetters.header(letter, Topics.DLT_SOURCE_HEADER)).startsWith("sync.changes.books/");
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo(device.accountId());
        // Dead-lettering is the whole reaction: no consumer may have stopped over it (another would hide that).
        Api.Response health = api.get("/health", null);
        assertThat(health.status()).as(health.text()).isEqualTo(200);
    }
}

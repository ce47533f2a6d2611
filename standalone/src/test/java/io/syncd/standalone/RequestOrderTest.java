package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.delete;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.SyncTable;
import io.syncd.common.UndecodableChangeException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * "Within a request, changes are decided parents first": the topics are consumed independently, so a child's change
 * pushed with its parent's delete carries the delete's offset and is decided after it, whatever order it is polled in.
 */
class RequestOrderTest {
    private final Api api = TestServer.api();

    @Test
    void anEventEditPushedWithItsBooksDeleteIsDecidedAfterTheDelete() {
        Api.Device device = api.newDevice();
        for (int round = 0; round < 5; round++) {
            UUID bookId = UUID.randomUUID();
            UUID eventId = UUID.randomUUID();
            api.push(device, upsert("books", bookId, 0, book("to delete")), upsert("events", eventId, 0, event(bookId, "e")));
            ObjectNode edit = upsert("events", eventId, 1, event(bookId, "edited"));
            ObjectNode remove = delete("books", bookId, 1);

            JsonNode results = api.push(device, edit, remove).body().get("results");

            // Listed first, decided second: the delete's cascade made the event version 2, so the edit conflicts.
            assertThat(results.get(1).get("status").stringValue()).isEqualTo("applied");
            assertThat(results.get(0).get("status").stringValue()).isEqualTo("conflict");
            assertThat(results.get(0).get("server_record").get("is_deleted").booleanValue()).isTrue();

            ChangeEvent editEvent = changeEvent(SyncTable.EVENTS, edit.get("change_id").stringValue()).value();
            ConsumerRecord<byte[], byte[]> deleteRecord = changeEvent(SyncTable.BOOKS, remove.get("change_id").stringValue()).record();
            assertThat(editEvent.after()).isEqualTo(Map.of(SyncTable.BOOKS, deleteRecord.offset()));
        }
    }

    @Test
    void aRequestWithoutADeletedParentIsSentAtOnceAndFollowsNothing() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        ObjectNode event = upsert("events", UUID.randomUUID(), 0, event(bookId, "e"));

        api.push(device, upsert("books", bookId, 0, book("b")), event);

        assertThat(changeEvent(SyncTable.EVENTS, event.get("change_id").stringValue()).value().after()).isEmpty();
    }

    private record Found(ConsumerRecord<byte[], byte[]> record, ChangeEvent value) {
    }

    private Found changeEvent(SyncTable table, String changeId) {
        Map<String, Object> config = new HashMap<>(TestServer.server().infrastructure().kafka().clientProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "request-order-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(table.topic()));
            List<Found> found = new ArrayList<>();
            await("change " + changeId + " on " + table.topic()).atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ChangeEvent value;
                    try {
                        value = ChangeEventCodec.decode(r.value());
                    } catch (UndecodableChangeException poison) { // other tests' poison records share the topics
                        continue;
                    }
                    if (value.changeId().toString().equals(changeId)) {
                        found.add(new Found(r, value));
                    }
                }
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }
}

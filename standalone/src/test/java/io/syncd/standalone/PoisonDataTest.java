package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.drawing;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;

/**
 * Change events that never passed the gateway's validation, put straight onto the change topics: each one whose data
 * PostgreSQL cannot store is decided {@code rejected} with {@code invalid_data}, and the partitions it shares with its
 * own and other accounts' changes keep flowing. (Before, a U+0000 in a name made the applier retry its batch forever,
 * and every account's pushes answered {@code pending}.)
 */
class PoisonDataTest {
    private static final String BOOK = "\"book_id\":\"" + UUID.randomUUID() + "\"";
    private static final Map<SyncTable, List<String>> POISONS = Map.of(
            SyncTable.BOOKS, List.of("{\"name\":\"a\\u0000b\",\"archived\":false}",
                    "{\"name\":\"\\ud800\",\"archived\":false}"),
            SyncTable.EVENTS, List.of("{" + BOOK + ",\"name\":\"e\",\"start_time\":\"0000-01-01T00:00:00+01:00\"}",
                    "{" + BOOK + ",\"name\":\"e\",\"start_time\":\"2026-11-24T09:00:00Z\",\"end_time\":\"9999-12-31T23:59:59-01:00\"}"),
            SyncTable.SCHEDULE_DRAWINGS, List.of("{" + BOOK + ",\"date\":\"2026-11-24\",\"view_mode\":7,\"strokes\":[]}"));

    private final Api api = TestServer.api();

    @Test
    void poisonedDataOnTheTopicsIsRejectedAndEveryonesLaterChangesAreDecided() {
        Api.Device poisoner = api.newDevice();
        Api.Device bystander = api.newDevice();
        Map<String, Object> kafka = TestServer.server().infrastructure().kafka().clientProperties();
        List<UUID> poisoned = new java.util.ArrayList<>();
        POISONS.forEach((table, datas) -> datas.forEach(data -> {
            UUID changeId = UUID.randomUUID();
            poisoned.add(changeId);
            DeadLetters.produce(kafka, table.topic(), poisoner.accountId(), ChangeEventCodec.encode(new ChangeEvent(
                    changeId, UUID.fromString(poisoner.accountId()), UUID.fromString(poisoner.deviceId()), table,
                    ChangeOp.UPSERT, UUID.randomUUID(), 0, data, Instant.now())));
        }));

        UUID bookId = UUID.randomUUID();
        for (Api.Device device : List.of(poisoner, bystander)) {
            Api.Response after = api.push(device, upsert("books", bookId, 0, book("after the poison")),
                    upsert("events", UUID.randomUUID(), 0, event(bookId, "after the poison")),
                    upsert("schedule_drawings", UUID.randomUUID(), 0, drawing(bookId)));
            assertThat(after.body().get("results").findValuesAsString("status")).as(after.text())
                    .containsExactly("applied", "applied", "applied");
        }
        for (UUID changeId : poisoned) {
            JsonNode decision = api.get("/api/sync/changes/" + changeId, poisoner.token()).body();
            assertThat(decision.get("status").stringValue()).as(decision.toString()).isEqualTo("rejected");
            assertThat(decision.get("error").get("code").stringValue()).isEqualTo("invalid_data");
        }
        Api.Response health = api.get("/health", null);
        assertThat(health.status()).as(health.text()).isEqualTo(200);
        assertThat(api.pullAll(poisoner, null).records()).as("nothing of the poison was written").hasSize(3);
    }
}

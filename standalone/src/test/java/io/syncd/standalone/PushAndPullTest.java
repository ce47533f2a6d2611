package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.delete;
import static io.syncd.standalone.Api.drawing;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.note;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Push, pull and the decisions of PROTOCOL.md through real HTTP, Kafka and PostgreSQL. */
class PushAndPullTest {
    private final Api api = TestServer.api();

    @Test
    void pushedRecordIsAppliedAtVersionOneAndPulledWithItsData() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        Api.Response push = api.push(device, upsert("books", bookId, 0, book("Clinic A")));

        assertThat(push.status()).isEqualTo(200);
        JsonNode result = push.body().get("results").get(0);
        assertThat(result.get("status").stringValue()).isEqualTo("applied");
        assertThat(result.get("version").longValue()).isEqualTo(1);
        assertThat(result.get("table").stringValue()).isEqualTo("books");
        assertThat(result.get("record_id").stringValue()).isEqualTo(bookId.toString());

        List<JsonNode> records = api.pullAll(device, null).records();
        assertThat(records).hasSize(1);
        JsonNode record = records.get(0);
        assertThat(record.get("record_id").stringValue()).isEqualTo(bookId.toString());
        assertThat(record.get("version").longValue()).isEqualTo(1);
        assertThat(record.get("is_deleted").booleanValue()).isFalse();
        assertThat(record.get("data").get("name").stringValue()).isEqualTo("Clinic A");
        assertThat(record.get("data").get("archived").booleanValue()).isFalse();
        assertThat(record.get("device_id").stringValue()).isEqualTo(device.deviceId());
        assertThat(record.get("updated_at").stringValue()).endsWith("Z");
    }

    @Test
    void staleBaseVersionIsAConflictCarryingTheServerRecordAndWritesNothing() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("v1")));
        api.push(device, upsert("books", bookId, 1, book("v2")));

        JsonNode result = api.push(device, upsert("books", bookId, 1, book("stale edit"))).body().get("results").get(0);

        assertThat(result.get("status").stringValue()).isEqualTo("conflict");
        assertThat(result.get("server_record").get("version").longValue()).isEqualTo(2);
        assertThat(result.get("server_record").get("data").get("name").stringValue()).isEqualTo("v2");
        JsonNode record = api.pullAll(device, null).records().get(0);
        assertThat(record.get("version").longValue()).isEqualTo(2);
        assertThat(record.get("data").get("name").stringValue()).isEqualTo("v2");
    }

    @Test
    void creatingARecordThatExistsIsAConflict() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("first")));

        JsonNode result = api.push(device, upsert("books", bookId, 0, book("second"))).body().get("results").get(0);

        assertThat(result.get("status").stringValue()).isEqualTo("conflict");
        assertThat(result.get("server_record").get("data").get("name").stringValue()).isEqualTo("first");
    }

    @Test
    void updatingARecordThatDoesNotExistIsAConflictWithANullServerRecord() {
        Api.Device device = api.newDevice();

        JsonNode result = api.push(device, upsert("books", UUID.randomUUID(), 3, book("ghost"))).body().get("results").get(0);

        assertThat(result.get("status").stringValue()).isEqualTo("conflict");
        assertThat(result.has("server_record")).isTrue();
        assertThat(result.get("server_record").isNull()).isTrue();
    }

    @Test
    void parentAndChildrenPushedInOneRequestAllApplyWhateverTheOrder() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        // Children first in the request: the server must still apply every one.
        Api.Response push = api.push(device,
                upsert("notes", UUID.randomUUID(), 0, note(eventId)),
                upsert("schedule_drawings", UUID.randomUUID(), 0, drawing(bookId)),
                upsert("events", eventId, 0, event(bookId, "Check-up")),
                upsert("books", bookId, 0, book("Clinic")));

        assertThat(push.body().get("results")).extracting(r -> r.get("status").stringValue())
                .containsOnly("applied");
        assertThat(api.pullAll(device, null).records()).extracting(r -> r.get("table").stringValue())
                .containsExactlyInAnyOrder("books", "events", "notes", "schedule_drawings");
    }

    @Test
    void childWhoseParentNeverExistsIsRejectedWithMissingParent() {
        Api.Device device = api.newDevice();

        JsonNode result = api.push(device, upsert("events", UUID.randomUUID(), 0, event(UUID.randomUUID(), "orphan")))
                .body().get("results").get(0);

        assertThat(result.get("status").stringValue()).isEqualTo("rejected");
        assertThat(result.get("error").get("code").stringValue()).isEqualTo("missing_parent");
        assertThat(api.pullAll(device, null).records()).isEmpty();
    }

    @Test
    void childOfADeletedParentIsRejectedWithMissingParent() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("to delete")));
        api.push(device, delete("books", bookId, 1));

        JsonNode result = api.push(device, upsert("events", UUID.randomUUID(), 0, event(bookId, "late")))
                .body().get("results").get(0);

        assertThat(result.get("error").get("code").stringValue()).isEqualTo("missing_parent");
    }

    @Test
    void deletingABookTombstonesItsEventsTheirNotesAndItsDrawings() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        UUID noteId = UUID.randomUUID();
        UUID drawingId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("Clinic")), upsert("events", eventId, 0, event(bookId, "e")),
                upsert("notes", noteId, 0, note(eventId)), upsert("schedule_drawings", drawingId, 0, drawing(bookId)));
        String cursor = api.pullAll(device, null).cursor();

        JsonNode result = api.push(device, delete("books", bookId, 1)).body().get("results").get(0);

        assertThat(result.get("status").stringValue()).isEqualTo("applied");
        assertThat(result.get("version").longValue()).isEqualTo(2);
        List<JsonNode> tombstones = api.pullAll(device, cursor).records();
        assertThat(tombstones)
                .extracting(r -> r.get("record_id").stringValue(), r -> r.get("is_deleted").booleanValue(),
                        r -> r.get("version").longValue())
                .containsExactlyInAnyOrder(tuple(bookId.toString(), true, 2L), tuple(eventId.toString(), true, 2L),
                        tuple(noteId.toString(), true, 2L), tuple(drawingId.toString(), true, 2L));
        assertThat(tombstones).allSatisfy(r -> assertThat(r.get("data").isNull()).isTrue());
    }

    @Test
    void deleteOfARecordThatDoesNotExistIsRejectedWithNotFound() {
        Api.Device device = api.newDevice();

        JsonNode result = api.push(device, delete("books", UUID.randomUUID(), 0)).body().get("results").get(0);

        assertThat(result.get("status").stringValue()).isEqualTo("rejected");
        assertThat(result.get("error").get("code").stringValue()).isEqualTo("not_found");
    }

    @Test
    void initialPullLeavesOutTombstonesAndALaterPullReturnsNewDeletes() {
        Api.Device device = api.newDevice();
        UUID gone = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        api.push(device, upsert("books", gone, 0, book("gone")), upsert("books", kept, 0, book("kept")));
        api.push(device, delete("books", gone, 1));

        Api.Pulled initial = api.pullAll(device, null);
        assertThat(initial.records()).extracting(r -> r.get("record_id").stringValue()).containsExactly(kept.toString());

        api.push(device, delete("books", kept, 1));
        List<JsonNode> later = api.pullAll(device, initial.cursor()).records();
        assertThat(later).extracting(r -> r.get("record_id").stringValue(), r -> r.get("is_deleted").booleanValue())
                .containsExactly(tuple(kept.toString(), true));
    }

    @Test
    void aRecordChangedManyTimesSinceTheCursorAppearsOnceAtItsLatestState() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("v1")));
        String cursor = api.pullAll(device, null).cursor();
        for (int v = 1; v <= 4; v++) {
            api.push(device, upsert("books", bookId, v, book("v" + (v + 1))));
        }

        List<JsonNode> records = api.pullAll(device, cursor).records();

        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("version").longValue()).isEqualTo(5);
        assertThat(records.get(0).get("data").get("name").stringValue()).isEqualTo("v5");
    }

    @Test
    void pullPagesFollowCommitOrderAndTheLimit() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("b")));
        for (int i = 0; i < 7; i++) {
            api.push(device, upsert("events", UUID.randomUUID(), 0, event(bookId, "e" + i)));
        }
        ObjectNode request = Json.MAPPER.createObjectNode().putNull("cursor").put("limit", 3);
        Api.Response first = api.post("/api/sync/pull", device.token(), request);

        assertThat(first.body().get("changes")).hasSize(3);
        assertThat(first.body().get("has_more").booleanValue()).isTrue();
        assertThat(first.body().get("changes").get(0).get("table").stringValue()).isEqualTo("books");
        List<JsonNode> rest = api.pullAll(device, first.body().get("cursor").stringValue()).records();
        assertThat(rest).hasSize(5);
        assertThat(rest).extracting(r -> r.get("data").get("name").stringValue())
                .containsExactly("e2", "e3", "e4", "e5", "e6");
    }

    @Test
    void pullOfSomeTablesReturnsOnlyThoseAndItsCursorOnlyServesThem() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("b")), upsert("events", UUID.randomUUID(), 0, event(bookId, "e")));

        Api.Pulled events = api.pullAll(device, null, "events");
        assertThat(events.records()).extracting(r -> r.get("table").stringValue()).containsExactly("events");

        ObjectNode wrongTables = Json.MAPPER.createObjectNode().put("cursor", events.cursor());
        wrongTables.putArray("tables").add("books");
        Api.Response refused = api.post("/api/sync/pull", device.token(), wrongTables);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("invalid_request");
    }

    @Test
    void fullSyncDecidesThePushThenPulls() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("changes").add(upsert("books", bookId, 0, book("full")));
        body.putNull("cursor");

        Api.Response response = api.post("/api/sync/full", device.token(), body);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("results").get(0).get("status").stringValue()).isEqualTo("applied");
        assertThat(response.body().get("changes")).extracting(r -> r.get("record_id").stringValue())
                .containsExactly(bookId.toString());
        assertThat(response.body().get("has_more").booleanValue()).isFalse();
    }

    @Test
    void aChangeCanBeLookedUpByItsIdAndAnUnknownIdIsNotFound() {
        Api.Device device = api.newDevice();
        UUID changeId = UUID.randomUUID();
        UUID bookId = UUID.randomUUID();
        api.push(device, Api.change(changeId, "books", "upsert", bookId, 0, book("b")));

        Api.Response found = api.get("/api/sync/changes/" + changeId, device.token());
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body().get("status").stringValue()).isEqualTo("applied");
        assertThat(found.body().get("version").longValue()).isEqualTo(1);

        Api.Response unknown = api.get("/api/sync/changes/" + UUID.randomUUID(), device.token());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
    }

    @Test
    void pullUpdatesTheDevicesLastSyncTime() {
        Api.Device device = api.newDevice();
        assertThat(api.get("/api/devices/" + device.deviceId(), device.token()).body().get("last_sync_at").isNull()).isTrue();

        api.pullAll(device, null);

        assertThat(api.get("/api/devices/" + device.deviceId(), device.token()).body().get("last_sync_at").stringValue())
                .endsWith("Z");
    }
}

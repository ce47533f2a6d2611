package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.change;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a device controls byte for byte: the gateway refuses, whole and with the field named, what PostgreSQL cannot
 * store, and answers every odd request with a clear 4xx instead of a 500 or work done for an answer nobody can read.
 */
class HostileInputTest {
    private final Api api = TestServer.api();

    private static String changeWith(UUID changeId, String table, String data) {
        return "{\"changes\":[{\"change_id\":\"" + changeId + "\",\"table\":\"" + table + "\",\"op\":\"upsert\","
                + "\"record_id\":\"" + UUID.randomUUID() + "\",\"base_version\":0,\"data\":" + data + "}]}";
    }

    /** Nothing of a refused request may be queued: the server never received the change. */
    private void assertNeverQueued(Api.Device device, UUID changeId) {
        assertThat(api.get("/api/sync/changes/" + changeId, device.token()).status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "U+0000 | books | {\"name\":\"a\\u0000b\"} | changes[0].data.name | must not contain U+0000",
            "a lone surrogate | books | {\"name\":\"x\\udc00\"} | changes[0].data.name | must not contain an unpaired surrogate (U+D800 to U+DFFF)",
            "year 0 | events | {\"book_id\":\"%s\",\"name\":\"e\",\"start_time\":\"0000-01-01T00:00:00+01:00\"} | changes[0].data.start_time | must lie within the years 0001 to 9999 once in UTC",
            "after year 9999 | events | {\"book_id\":\"%s\",\"name\":\"e\",\"start_time\":\"2026-11-24T09:00:00Z\",\"end_time\":\"9999-12-31T23:59:59-01:00\"} | changes[0].data.end_time | must lie within the years 0001 to 9999 once in UTC",
            "date of year 0 | schedule_drawings | {\"book_id\":\"%s\",\"date\":\"0000-12-31\",\"view_mode\":0,\"strokes\":[]} | changes[0].data.date | must lie within the years 0001 to 9999"})
    void aPushOfWhatPostgresCannotStoreIs400NamingTheFieldAndQueuesNothing(String what, String table, String data,
                                                                          String field, String message) {
        Api.Device device = api.newDevice();
        UUID changeId = UUID.randomUUID();

        Api.Response response = api.post("/api/sync/push", device.token(),
                changeWith(changeId, table, data.formatted(UUID.randomUUID())));

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("invalid_request");
        assertThat(response.body().get("errors").get(0).get("field").stringValue()).isEqualTo(field);
        assertThat(response.body().get("errors").get(0).get("message").stringValue()).isEqualTo(message);
        assertNeverQueued(device, changeId);
    }

    @Test
    void namesOfAccountsAndDevicesWithU0000OrLoneSurrogatesAre400() {
        Api.Response account = api.post("/api/accounts", null, "{\"name\":\"a\\u0000b\"}");
        assertThat(account.status()).as(account.text()).isEqualTo(400);
        assertThat(account.body().get("errors").get(0).get("field").stringValue()).isEqualTo("name");

        Api.Device device = api.newDevice();
        for (String field : new String[] {"device_name", "platform"}) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("enrollment_key", device.enrollmentKey())
                    .put("device_name", "tablet").put("platform", "android");
            body.put(field, "bad\u0000");
            Api.Response registered = api.post("/api/devices/register", null, body);
            assertThat(registered.status()).as(field + ": " + registered.text()).isEqualTo(400);
            assertThat(registered.body().get("errors").get(0).get("field").stringValue()).isEqualTo(field);
        }
        Api.Response surrogate = api.post("/api/devices/register", null, "{\"enrollment_key\":\""
                + device.enrollmentKey() + "\",\"device_name\":\"\\ud83d\",\"platform\":\"android\"}");
        assertThat(surrogate.status()).as(surrogate.text()).isEqualTo(400);
    }

    @Test
    void registrationAnswersOtherMethodsWith405AllowingPost() {
        for (Api.Response response : new Api.Response[] {api.get("/api/devices/register", null),
                api.delete("/api/devices/register", null)}) {
            assertThat(response.status()).as(response.text()).isEqualTo(405);
            assertThat(response.code()).isEqualTo("method_not_allowed");
            assertThat(response.raw().headers().firstValue("Allow")).hasValue("POST");
        }
    }

    @Test
    void aPathIdOfOnlyABlankIs400LikeAnyOtherNonUuid() {
        Api.Device device = api.newDevice();
        for (String path : new String[] {"/api/devices/%20", "/api/sync/changes/%20", "/api/devices/nope"}) {
            Api.Response response = api.get(path, device.token());
            assertThat(response.status()).as(path + ": " + response.text()).isEqualTo(400);
            assertThat(response.code()).isEqualTo("invalid_request");
        }
    }

    @Test
    void aPathTomcatRefusesBeforeAnyServletIsAnsweredInProblemJson() {
        Api.Device device = api.newDevice();
        for (String path : new String[] {"/api/devices/%00", "/api/devices/a%2Fb", "/api/sync/changes/a%5Cb"}) {
            Api.Response response = api.get(path, device.token());
            assertThat(response.status()).as(path + ": " + response.text()).isEqualTo(400);
            assertThat(response.raw().headers().firstValue("Content-Type")).as(path)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.code()).as(path + ": " + response.text()).isEqualTo("invalid_request");
        }
    }

    @Test
    void aPushOrResolutionWhoseAnswerWouldBeRefusedIs406AndQueuesNothing() {
        Api.Device device = api.newDevice();
        UUID pushed = UUID.randomUUID();
        Api.Response push = api.send(api.request("/api/sync/push", device.token()).header("Accept", "text/html")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(changeWith(pushed, "books", "{\"name\":\"unread\"}"))).build());
        UUID resolved = UUID.randomUUID();
        String resolution = "{\"change_id\":\"" + resolved + "\",\"table\":\"books\",\"record_id\":\"" + UUID.randomUUID()
                + "\",\"resolution\":\"use_local\",\"base_version\":0,\"data\":{\"name\":\"unread\"}}";
        Api.Response resolve = api.send(api.request("/api/sync/resolve-conflict", device.token())
                .header("Accept", "text/html").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(resolution)).build());

        assertThat(push.status()).as(push.text()).isEqualTo(406);
        assertThat(resolve.status()).as(resolve.text()).isEqualTo(406);
        assertThat(push.code()).isEqualTo("not_acceptable");
        assertNeverQueued(device, pushed);
        assertNeverQueued(device, resolved);
    }

    @Test
    void timestampsInLowerCaseOrWithOffsetsUpTo23HoursAreAcceptedInUtc() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        ObjectNode event = Json.MAPPER.createObjectNode().put("book_id", bookId.toString()).put("name", "e")
                .put("start_time", "2026-11-24t09:00:00.25z").put("end_time", "2026-11-25T09:00:00+23:59");

        Api.Response response = api.push(device, upsert("books", bookId, 0, book("b")), upsert("events", eventId, 0, event));

        assertThat(response.body().get("results").findValuesAsString("status")).containsOnly("applied");
        JsonNode pulled = api.pullAll(device, null, "events").records().get(0).get("data");
        assertThat(pulled.get("start_time").stringValue()).isEqualTo("2026-11-24T09:00:00.250Z");
        assertThat(pulled.get("end_time").stringValue()).isEqualTo("2026-11-24T09:01:00Z");
    }

    @Test
    void oneVersionOfARecordHasOneUpdatedAtInEveryAnswer() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();

        // The edit on version 0 conflicts with the create decided just before it in the same transaction: its
        // server_record is the record as written there, not as read back from PostgreSQL.
        Api.Response response = api.push(device, upsert("books", bookId, 0, book("created")),
                change(UUID.randomUUID(), "books", "upsert", bookId, 0, book("stale edit")));

        JsonNode conflict = response.body().get("results").get(1);
        assertThat(conflict.get("status").stringValue()).isEqualTo("conflict");
        JsonNode pulled = api.pullAll(device, null, "books").records().get(0);
        assertThat(conflict.get("server_record").get("version").longValue()).isEqualTo(1);
        assertThat(conflict.get("server_record").get("updated_at").stringValue())
                .isEqualTo(pulled.get("updated_at").stringValue());
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.ContentCoding;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Errors are problem+json with stable codes, and the edges of HTTP behave as PROTOCOL.md says. */
class HttpContractTest {
    private final Api api = TestServer.api();

    private static void assertProblem(Api.Response response, int status, String code) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.code()).isEqualTo(code);
        assertThat(response.body().get("status").intValue()).isEqualTo(status);
        assertThat(response.text()).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("SELECT");
    }

    @Test
    void unknownRouteIsNotFound() {
        assertProblem(api.get("/api/nothing-here", null), 404, "not_found");
        assertProblem(api.get("/api/sync/nothing-here", api.newDevice().token()), 404, "not_found");
    }

    @Test
    void wrongMethodIsMethodNotAllowed() {
        Api.Response response = api.get("/api/sync/push", api.newDevice().token());
        assertProblem(response, 405, "method_not_allowed");
        assertThat(response.raw().headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void wrongContentTypeIsUnsupportedMediaType() {
        Api.Device device = api.newDevice();
        Api.Response response = api.send(api.request("/api/sync/push", device.token())
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertProblem(response, 415, "unsupported_media_type");
    }

    @Test
    void malformedJsonIsInvalidRequest() {
        assertProblem(api.post("/api/sync/push", api.newDevice().token(), "{\"changes\": [}"), 400, "invalid_request");
    }

    @Test
    void duplicateKeysAreInvalidRequest() {
        assertProblem(api.post("/api/accounts", null, "{\"name\":\"a\",\"name\":\"b\"}"), 400, "invalid_request");
    }

    @Test
    void wrongTypesAndMissingFieldsNameTheirPath() {
        Api.Device device = api.newDevice();
        ObjectNode bad = upsert("events", UUID.randomUUID(), 0, Json.MAPPER.createObjectNode()
                .put("book_id", "not-a-uuid").put("name", "   ").put("start_time", "yesterday"));
        bad.put("base_version", "one");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("changes").add(upsert("books", UUID.randomUUID(), 0, book("fine"))).add(bad);

        Api.Response response = api.post("/api/sync/push", device.token(), body);

        assertProblem(response, 400, "invalid_request");
        assertThat(response.body().get("errors")).extracting(e -> e.get("field").stringValue())
                .contains("changes[1].base_version", "changes[1].data.book_id", "changes[1].data.name",
                        "changes[1].data.start_time");
        assertThat(response.body().get("detail").stringValue()).startsWith("changes[1].");
    }

    @Test
    void aRequestWithOneInvalidChangeQueuesNothing() {
        Api.Device device = api.newDevice();
        UUID validId = UUID.randomUUID();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("changes").add(Api.change(validId, "books", "upsert", UUID.randomUUID(), 0, book("valid")))
                .add(upsert("books", UUID.randomUUID(), 0, book("")));

        assertProblem(api.post("/api/sync/push", device.token(), body), 400, "invalid_request");
        // Had the valid change been queued, the lookup would find (or wait for) it; it is never received.
        assertThat(api.get("/api/sync/changes/" + validId, device.token()).status()).isEqualTo(404);
        assertThat(api.pullAll(device, null).records()).isEmpty();
    }

    @Test
    void changeResultsKeepTheirFieldOrderAndNullsInEveryAnswer() {
        Api.Device device = api.newDevice();
        UUID applied = UUID.randomUUID();
        UUID conflict = UUID.randomUUID();
        UUID rejected = UUID.randomUUID();
        UUID bookId = UUID.randomUUID();
        UUID neverThere = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        ObjectNode appliedChange = Api.change(applied, "books", "upsert", bookId, 0, book("shape"));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("changes").add(appliedChange)
                .add(Api.change(conflict, "books", "upsert", neverThere, 3, book("never there")))
                .add(Api.change(rejected, "events", "upsert", eventId, 0, Api.event(UUID.randomUUID(), "orphan")));

        Api.Response push = api.post("/api/sync/push", device.token(), body);

        JsonNode error = push.body().get("results").get(2).get("error");
        String appliedJson = "{\"change_id\":\"" + applied + "\",\"status\":\"applied\",\"table\":\"books\","
                + "\"record_id\":\"" + bookId + "\",\"version\":1}";
        String conflictJson = "{\"change_id\":\"" + conflict + "\",\"status\":\"conflict\",\"table\":\"books\","
                + "\"record_id\":\"" + neverThere + "\",\"server_record\":null}";
        String rejectedJson = "{\"change_id\":\"" + rejected + "\",\"status\":\"rejected\",\"table\":\"events\","
                + "\"record_id\":\"" + eventId + "\",\"error\":{\"code\":\"missing_parent\",\"message\":"
                + Json.MAPPER.writeValueAsString(error.get("message").stringValue()) + "}}";
        assertThat(push.text()).isEqualTo("{\"results\":[" + appliedJson + "," + conflictJson + "," + rejectedJson + "]}");
        assertThat(api.get("/api/sync/changes/" + applied, device.token()).text()).isEqualTo(appliedJson);
        assertThat(api.get("/api/sync/changes/" + conflict, device.token()).text()).isEqualTo(conflictJson);
        assertThat(api.get("/api/sync/changes/" + rejected, device.token()).text()).isEqualTo(rejectedJson);
        ObjectNode full = Json.MAPPER.createObjectNode();
        full.putArray("changes").add(appliedChange);
        assertThat(api.post("/api/sync/full", device.token(), full).text()).startsWith("{\"results\":[" + appliedJson + "],");
    }

    @Test
    void unknownFieldsAreRejectedEverywhere() {
        Api.Device device = api.newDevice();
        ObjectNode change = upsert("books", UUID.randomUUID(), 0, book("x").put("colour", "red"));
        change.put("version", 3);
        ObjectNode body = Json.MAPPER.createObjectNode().put("extra", true);
        body.putArray("changes").add(change);

        Api.Response response = api.post("/api/sync/push", device.token(), body);

        assertProblem(response, 400, "invalid_request");
        assertThat(response.body().get("errors")).extracting(e -> e.get("field").stringValue())
                .containsExactlyInAnyOrder("extra", "changes[0].version", "changes[0].data.colour");
    }

    @Test
    void moreThanAThousandChangesIsInvalidRequest() {
        Api.Device device = api.newDevice();
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode changes = body.putArray("changes");
        for (int i = 0; i < 1001; i++) {
            changes.add(upsert("books", UUID.randomUUID(), 0, book("b" + i)));
        }
        assertProblem(api.post("/api/sync/push", device.token(), body), 400, "invalid_request");
    }

    @Test
    void dataOverOneMebibyteIsPayloadTooLarge() {
        Api.Device device = api.newDevice();
        ObjectNode note = Json.MAPPER.createObjectNode().put("event_id", UUID.randomUUID().toString());
        ArrayNode strokes = note.putArray("strokes");
        for (int i = 0; i < 130_000; i++) {
            strokes.add(12345678);
        }
        assertProblem(api.push(device, upsert("notes", UUID.randomUUID(), 0, note)), 413, "payload_too_large");
    }

    @Test
    void pullLimitsOutsideOneToFiveThousandAndUnknownTablesAreInvalid() {
        Api.Device device = api.newDevice();
        assertProblem(api.post("/api/sync/pull", device.token(), "{\"limit\":0}"), 400, "invalid_request");
        assertProblem(api.post("/api/sync/pull", device.token(), "{\"limit\":5001}"), 400, "invalid_request");
        assertProblem(api.post("/api/sync/pull", device.token(), "{\"tables\":[\"users\"]}"), 400, "invalid_request");
        assertProblem(api.post("/api/sync/pull", device.token(), "{\"cursor\":\"bm90LWEtY3Vyc29y\"}"), 400,
                "invalid_request");
        assertThat(api.post("/api/sync/pull", device.token(), "{\"limit\":5000}").status()).isEqualTo(200);
    }

    @Test
    void missingUnknownAndRevokedTokensAreAllTheSame401() {
        Api.Device device = api.newDevice();
        Api.Device other = api.sibling(device);
        assertProblem(api.post("/api/sync/pull", null, "{}"), 401, "unauthorized");
        assertProblem(api.post("/api/sync/pull", UUID.randomUUID() + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "{}"),
                401, "unauthorized");
        assertProblem(api.post("/api/sync/pull", device.token().substring(0, 40) + "x".repeat(40), "{}"), 401, "unauthorized");

        assertThat(api.delete("/api/devices/" + other.deviceId(), device.token()).status()).isEqualTo(204);
        assertProblem(api.post("/api/sync/pull", other.token(), "{}"), 401, "unauthorized");
        assertThat(api.get("/api/devices/" + other.deviceId(), device.token()).body().get("is_active").booleanValue())
                .isFalse();
    }

    @Test
    void zstdAndGzipRequestBodiesAreAcceptedAndLargeResponsesComeInTheEncodingTheClientPrefers() {
        Api.Device device = api.newDevice();
        for (ContentCoding coding : ContentCoding.values()) {
            StringBuilder changes = new StringBuilder("{\"changes\":[");
            for (int i = 0; i < 20; i++) {
                changes.append(i == 0 ? "" : ",").append(upsert("books", UUID.randomUUID(), 0, book(coding + " book " + i)));
            }
            Api.Response push = api.postEncoded("/api/sync/push", device.token(), changes.append("]}").toString(), coding);
            assertThat(push.status()).as(push.text()).isEqualTo(200);
            assertThat(push.body().get("results")).hasSize(20);
        }
        JsonNode plain = api.post("/api/sync/pull", device.token(), "{}").body();
        assertThat(plain.get("changes")).hasSize(40);

        Map<String, String> expected = Map.of(ContentCoding.ACCEPTED, "zstd", "gzip, deflate, br, zstd", "zstd",
                "gzip", "gzip", "zstd;q=0, gzip;q=0.8", "gzip", "br", "none", "identity", "none");
        for (Map.Entry<String, String> accept : expected.entrySet()) {
            Api.Response pull = api.send(api.request("/api/sync/pull", device.token())
                    .header("Content-Type", "application/json").header("Accept-Encoding", accept.getKey())
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(pull.raw().headers().firstValue("Content-Encoding").orElse("none")).as(accept.getKey())
                    .isEqualTo(accept.getValue());
            assertThat(pull.raw().headers().allValues("Vary")).as("caches keep the encodings apart")
                    .contains("Accept-Encoding");
            assertThat(pull.body()).as(accept.getKey()).isEqualTo(plain);
        }

        Api.Response small = api.send(api.request("/api/devices/" + device.deviceId(), device.token())
                .header("Accept-Encoding", ContentCoding.ACCEPTED).GET().build());
        assertThat(small.raw().headers().firstValue("Content-Encoding")).as("under 1 KB stays plain").isEmpty();
        assertThat(small.body().get("device_id").stringValue()).isEqualTo(device.deviceId());
    }

    @Test
    void aBodyThatIsNotTheEncodingItNamesIsInvalidAndQueuesNothing() {
        Api.Device device = api.newDevice();
        UUID book = UUID.randomUUID();
        String json = "{\"changes\":[" + upsert("books", book, 0, book("not compressed")) + "]}";
        for (ContentCoding coding : ContentCoding.values()) {
            Api.Response response = api.send(api.request("/api/sync/push", device.token())
                    .header("Content-Type", "application/json").header("Content-Encoding", coding.token())
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build());
            assertProblem(response, 400, "invalid_request");
            assertThat(response.body().get("detail").stringValue()).contains("not valid " + coding.token());
        }
        assertThat(api.post("/api/sync/pull", device.token(), "{}").body().get("changes")).isEmpty();
    }

    @Test
    void aClientThatAcceptsNoJsonIsNotAcceptableAlsoForStreamedPulls() {
        Api.Device device = api.newDevice();
        for (String path : List.of("/api/sync/pull", "/api/sync/full", "/api/sync/push")) {
            Api.Response response = api.send(api.request(path, device.token()).header("Content-Type", "application/json")
                    .header("Accept", "text/plain").POST(HttpRequest.BodyPublishers.ofString(
                            path.endsWith("push") ? "{\"changes\":[]}" : "{}")).build());
            assertThat(response.status()).as(path).isEqualTo(406);
        }
        Api.Response json = api.send(api.request("/api/sync/pull", device.token()).header("Content-Type", "application/json")
                .header("Accept", "text/html, application/*;q=0.5").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.contentType()).startsWith("application/json");
        assertThat(json.body().get("changes")).isEmpty();
    }

    @Test
    void anUnsupportedContentEncodingIsRefused() {
        Api.Response response = api.send(api.request("/api/accounts", null).header("Content-Type", "application/json")
                .header("Content-Encoding", "br").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertProblem(response, 415, "unsupported_media_type");
    }
}

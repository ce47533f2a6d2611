package io.syncd.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A device written by hand against the v1 protocol over raw HTTP: it sends and receives strokes as JSON arrays, and
 * reads answers with exact decimals so that numbers compare by value.
 */
final class JsonDevice {
    static final JsonMapper EXACT = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private final URI server;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private JsonDevice(URI server, String token) {
        this.server = server;
        this.token = token;
    }

    static JsonDevice register(URI server, String enrollmentKey, String name) {
        JsonDevice anonymous = new JsonDevice(server, null);
        ObjectNode body = EXACT.createObjectNode().put("enrollment_key", enrollmentKey).put("device_name", name);
        return new JsonDevice(server, anonymous.post("/api/devices/register", body).get("device_token").stringValue());
    }

    /** {@code POST} with a JSON body; the answer must be a success. */
    JsonNode post(String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EXACT.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s answered %s", path, response.body()).isBetween(200, 299);
            return EXACT.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An upsert of {@code data} (strokes as a JSON array) over {@code baseVersion}; the server's result. */
    JsonNode upsert(String table, String recordId, long baseVersion, ObjectNode data) {
        ObjectNode body = EXACT.createObjectNode();
        body.putArray("changes").addObject().put("change_id", SyncClient.newRecordId()).put("table", table)
                .put("op", "upsert").put("record_id", recordId).put("base_version", baseVersion).set("data", data);
        return post("/api/sync/push", body).get("results").get(0);
    }

    /** Every record of the account from the start, in the answer's order; {@code format} null: the default. */
    List<JsonNode> pullAll(String format) {
        List<JsonNode> records = new ArrayList<>();
        String cursor = null;
        while (true) {
            ObjectNode body = EXACT.createObjectNode();
            if (cursor == null) {
                body.putNull("cursor");
            } else {
                body.put("cursor", cursor);
            }
            if (format != null) {
                body.put("strokes_format", format);
            }
            JsonNode page = post("/api/sync/pull", body);
            page.get("changes").forEach(records::add);
            cursor = page.get("cursor").stringValue();
            if (!page.get("has_more").booleanValue()) {
                return records;
            }
        }
    }

    /** The latest pulled envelope of the record, in {@code format}. */
    JsonNode latest(String format, String table, String recordId) {
        JsonNode found = null;
        for (JsonNode record : pullAll(format)) {
            if (record.get("table").stringValue().equals(table) && record.get("record_id").stringValue().equals(recordId)) {
                found = record;
            }
        }
        assertThat(found).as("%s %s pulled", table, recordId).isNotNull();
        return found;
    }

    static ArrayNode strokes(String json) {
        return (ArrayNode) EXACT.readTree(json);
    }
}

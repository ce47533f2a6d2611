package io.syncd.standalone;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.syncd.common.ContentCoding;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A black-box HTTP client of the sync API for tests: real requests over loopback, JSON in and out. */
public final class Api {
    private final String baseUrl;
    private final HttpClient http;

    public Api(String baseUrl) {
        this(baseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** Through a client of the test's own, e.g. one that trusts a test certificate. */
    public Api(String baseUrl, HttpClient http) {
        this.baseUrl = baseUrl;
        this.http = http;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A response: status, body as JSON (null if empty or not JSON), raw text, and the content type. */
    public record Response(int status, JsonNode body, String text, String contentType, HttpResponse<byte[]> raw) {
        public String code() {
            return body == null || body.get("code") == null ? null : body.get("code").stringValue();
        }
    }

    /** An account with one registered device. */
    public record Device(String accountId, String enrollmentKey, String deviceId, String token) {
    }

    public Device newDevice() {
        return newDevice("Test account");
    }

    /** A new account of that name with one registered device. */
    public Device newDevice(String accountName) {
        Response account = postOpen("/api/accounts", Json.MAPPER.createObjectNode().put("name", accountName).toString());
        if (account.status() != 201) {
            throw new IllegalStateException("account creation failed: " + account.text());
        }
        return registerDevice(account.body().get("account_id").stringValue(),
                account.body().get("enrollment_key").stringValue(), "test device", "test");
    }

    /** A second device of the same account. */
    public Device sibling(Device device) {
        return registerDevice(device.accountId(), device.enrollmentKey(), "test device", "test");
    }

    /** A second device of the same account, with its name and platform. */
    public Device sibling(Device device, String name, String platform) {
        return registerDevice(device.accountId(), device.enrollmentKey(), name, platform);
    }

    private Device registerDevice(String accountId, String enrollmentKey, String name, String platform) {
        Response device = postOpen("/api/devices/register", Json.MAPPER.createObjectNode()
                .put("enrollment_key", enrollmentKey).put("device_name", name).put("platform", platform).toString());
        if (device.status() != 201) {
            throw new IllegalStateException("device registration failed: " + device.text());
        }
        return new Device(accountId, enrollmentKey, device.body().get("device_id").stringValue(),
                device.body().get("device_token").stringValue());
    }

    /**
     * A call without a token (creating an account, registering), waiting out the server's per-address limit as a
     * client should: {@code 429} with {@code Retry-After}.
     */
    private Response postOpen(String path, String json) {
        Response[] last = {post(path, null, json)};
        if (last[0].status() == 429) {
            long seconds = Long.parseLong(last[0].raw().headers().firstValue("Retry-After").orElse("1"));
            await().pollDelay(Duration.ofSeconds(seconds)).pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60))
                    .until(() -> (last[0] = post(path, null, json)).status() != 429);
        }
        return last[0];
    }

    public Response post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response post(String path, String token, JsonNode json) {
        return post(path, token, json.toString());
    }

    /** Posts {@code json} as a body in {@code coding}. */
    public Response postEncoded(String path, String token, String json, ContentCoding coding) {
        return send(request(path, token).header("Content-Type", "application/json")
                .header("Content-Encoding", coding.token())
                .POST(HttpRequest.BodyPublishers.ofByteArray(coding.encode(json.getBytes(StandardCharsets.UTF_8))))
                .build());
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = response.body();
            String text = new String(ContentCoding.decodeBody(response.headers().firstValue("Content-Encoding")
                    .orElse(null), bytes), StandardCharsets.UTF_8);
            JsonNode body = null;
            if (!text.isEmpty()) {
                try {
                    body = Json.MAPPER.readTree(text);
                } catch (RuntimeException notJson) {
                    body = null;
                }
            }
            return new Response(response.statusCode(), body, text,
                    response.headers().firstValue("Content-Type").orElse(null), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    // ---- sync helpers ----

    public Response push(Device device, ObjectNode... changes) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("changes");
        for (ObjectNode change : changes) {
            list.add(change);
        }
        return post("/api/sync/push", device.token(), body);
    }

    /** Pulls every page from {@code cursor} (null = from the beginning); returns the records and the last cursor. */
    public Pulled pullAll(Device device, String cursor, String... tables) {
        List<JsonNode> records = new ArrayList<>();
        while (true) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (cursor == null) {
                body.putNull("cursor");
            } else {
                body.put("cursor", cursor);
            }
            if (tables.length > 0) {
                ArrayNode list = body.putArray("tables");
                for (String t : tables) {
                    list.add(t);
                }
            }
            Response response = post("/api/sync/pull", device.token(), body);
            if (response.status() != 200) {
                throw new IllegalStateException("pull failed: " + response.status() + " " + response.text());
            }
            response.body().get("changes").forEach(records::add);
            cursor = response.body().get("cursor").stringValue();
            if (!response.body().get("has_more").booleanValue()) {
                return new Pulled(records, cursor);
            }
        }
    }

    /**
     * Every record of a pull chain from the beginning, keyed by record id: strokes in {@code strokesFormat} (null: the
     * default), pages read with {@code mapper} (one with exact decimals keeps every digit a JSON device was sent).
     */
    public Map<String, JsonNode> pullByRecord(Device device, String strokesFormat, ObjectMapper mapper) {
        Map<String, JsonNode> records = new HashMap<>();
        String cursor = null;
        while (true) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("cursor", cursor);
            if (strokesFormat != null) {
                body.put("strokes_format", strokesFormat);
            }
            Response page = post("/api/sync/pull", device.token(), body);
            if (page.status() != 200) {
                throw new IllegalStateException("pull failed: " + page.status() + " " + page.text());
            }
            JsonNode answer = mapper.readTree(page.text());
            answer.get("changes").forEach(r -> records.put(r.get("record_id").stringValue(), r));
            cursor = answer.get("cursor").stringValue();
            if (!answer.get("has_more").booleanValue()) {
                return records;
            }
        }
    }

    /** Records of a pull chain and the cursor to continue from. */
    public record Pulled(List<JsonNode> records, String cursor) {
    }

    public static ObjectNode upsert(String table, UUID recordId, long baseVersion, ObjectNode data) {
        return change(UUID.randomUUID(), table, "upsert", recordId, baseVersion, data);
    }

    public static ObjectNode delete(String table, UUID recordId, long baseVersion) {
        return change(UUID.randomUUID(), table, "delete", recordId, baseVersion, null);
    }

    public static ObjectNode change(UUID changeId, String table, String op, UUID recordId, long baseVersion,
                                    ObjectNode data) {
        ObjectNode change = Json.MAPPER.createObjectNode();
        change.put("change_id", changeId.toString());
        change.put("table", table);
        change.put("op", op);
        change.put("record_id", recordId.toString());
        change.put("base_version", baseVersion);
        if (data != null) {
            change.set("data", data);
        }
        return change;
    }

    public static ObjectNode book(String name) {
        return Json.MAPPER.createObjectNode().put("name", name);
    }

    public static ObjectNode event(UUID bookId, String name) {
        return Json.MAPPER.createObjectNode().put("book_id", bookId.toString()).put("name", name)
                .put("start_time", "2026-11-24T09:00:00Z");
    }

    public static ObjectNode note(UUID eventId) {
        ObjectNode note = Json.MAPPER.createObjectNode().put("event_id", eventId.toString());
        note.putArray("strokes").addArray().add(1).add(2).add(3);
        return note;
    }

    public static ObjectNode drawing(UUID bookId) {
        ObjectNode drawing = Json.MAPPER.createObjectNode().put("book_id", bookId.toString())
                .put("date", "2026-11-24").put("view_mode", 1);
        drawing.putArray("strokes").addArray().add(4).add(5);
        return drawing;
    }
}

package io.syncd.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.syncd.common.ContentCoding;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-process HTTP server playing the sync server's part in a scripted way: each {@code METHOD /path} answers what
 * its handler returns for the request body; every request is recorded. Registration answers a device out of the box.
 */
public final class StubServer implements AutoCloseable {
    /** One answer: status and JSON body (null: no body). */
    public record Answer(int status, JsonNode body) {
        public static Answer ok(JsonNode body) {
            return new Answer(200, body);
        }

        public static Answer problem(int status, String code, String detail) {
            return new Answer(status, Json.MAPPER.createObjectNode().put("type", "about:blank").put("status", status)
                    .put("code", code).put("detail", detail));
        }
    }

    /** What the stub received: method, path, bearer token and JSON body (null if none). */
    public record Request(String method, String path, String token, JsonNode body) {
    }

    public static final String DEVICE_ID = UUID.randomUUID().toString();
    public static final String ACCOUNT_ID = UUID.randomUUID().toString();
    public static final String TOKEN = "stub-device-token";

    private final HttpServer server;
    private final Map<String, Function<JsonNode, Answer>> handlers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public StubServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        on("POST /api/devices/register", body -> Answer.ok(Json.MAPPER.createObjectNode().put("device_id", DEVICE_ID)
                .put("account_id", ACCOUNT_ID).put("device_token", TOKEN).put("registered_at", "2026-11-24T09:00:00Z")));
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers {@code METHOD /path} (e.g. {@code POST /api/sync/pull}) with the handler's answer to the body. */
    public StubServer on(String methodAndPath, Function<JsonNode, Answer> handler) {
        handlers.put(methodAndPath, handler);
        return this;
    }

    public List<Request> requests() {
        return requests;
    }

    public List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    /** A push's answer: every change applied at {@code base_version + 1}. */
    public static Answer applyAll(JsonNode push) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode results = answer.putArray("results");
        for (JsonNode change : push.path("changes")) {
            results.addObject().put("change_id", change.get("change_id").asString()).put("status", "applied")
                    .put("table", change.get("table").asString()).put("record_id", change.get("record_id").asString())
                    .put("version", change.get("base_version").asLong() + 1);
        }
        return Answer.ok(answer);
    }

    /** A pull page holding these records. */
    public static Answer page(String cursor, boolean hasMore, JsonNode... records) {
        ObjectNode page = Json.MAPPER.createObjectNode();
        ArrayNode changes = page.putArray("changes");
        for (JsonNode record : records) {
            changes.add(record);
        }
        return Answer.ok(page.put("cursor", cursor).put("has_more", hasMore));
    }

    /** A live record envelope as the server sends it. */
    public static ObjectNode record(String table, String recordId, long version, JsonNode data) {
        ObjectNode record = Json.MAPPER.createObjectNode().put("table", table).put("record_id", recordId)
                .put("version", version).put("is_deleted", false);
        record.set("data", data);
        return record.put("updated_at", "2026-11-24T09:00:00Z").put("device_id", DEVICE_ID);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] bytes = ContentCoding.decodeBody(exchange.getRequestHeaders().getFirst("Content-Encoding"),
                exchange.getRequestBody().readAllBytes());
        JsonNode body = bytes.length == 0 ? null : Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        requests.add(new Request(method, path, authorization == null ? null : authorization.replace("Bearer ", ""),
                body));
        Function<JsonNode, Answer> handler = handlers.get(method + " " + path);
        Answer answer = handler == null ? Answer.problem(404, "not_found", "the stub has no " + method + " " + path)
                : handler.apply(body);
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
            exchange.close();
            return;
        }
        byte[] out = Json.MAPPER.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().set("Content-Type",
                answer.status() >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(answer.status(), out.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package io.syncd.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.syncd.client.RetryPolicy;
import io.syncd.client.ServerRejectedException;
import io.syncd.client.ServerUnreachableException;
import io.syncd.client.SyncException;
import io.syncd.client.SyncOptions;
import io.syncd.common.ContentCoding;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Retries, error mapping and compression against a scripted in-process HTTP server; waits are recorded, not slept. */
class HttpJsonTest {
    private static final RetryPolicy RETRIES =
            new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));

    /** One scripted answer; null status: close the connection without answering. */
    private record Answer(Integer status, String body, String retryAfter, ContentCoding coding) {
        static Answer json(int status, String body) {
            return new Answer(status, body, null, null);
        }
    }

    /** What the server saw of one request. */
    private record Seen(String contentEncoding, String acceptEncoding, String body) {
    }

    private HttpServer server;
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        body = ContentCoding.decodeBody(encoding, body);
        seen.add(new Seen(encoding, exchange.getRequestHeaders().getFirst("Accept-Encoding"),
                new String(body, StandardCharsets.UTF_8)));
        Answer answer = script.poll();
        if (answer == null || answer.status() == null) {
            throw new IOException("dropping the connection without an answer"); // the server closes it
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.coding() != null) {
            bytes = answer.coding().encode(bytes);
            exchange.getResponseHeaders().set("Content-Encoding", answer.coding().token());
        }
        exchange.getResponseHeaders().set("Content-Type",
                answer.status() >= 400 ? "application/problem+json" : "application/json");
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private HttpJson http(URI base) {
        return new HttpJson(base, Duration.ofSeconds(2), Duration.ofSeconds(5), RETRIES, Clock.systemUTC(),
                SyncOptions.defaults().sslContext(), new Random(), waits::add);
    }

    private HttpJson http() {
        return http(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    private static ObjectNode body() {
        return Json.MAPPER.createObjectNode().put("hello", "server");
    }

    @Test
    void aServiceUnavailableAnswerIsRetriedAfterTheServersRetryAfter() {
        script.add(new Answer(503, "{\"code\":\"unavailable\"}", "2", null));
        script.add(Answer.json(200, "{\"ok\":true}"));

        JsonNode answer = http().send("POST", "/api/sync/push", "token", body(), true);

        assertThat(answer.get("ok").booleanValue()).isTrue();
        assertThat(seen).hasSize(2);
        assertThat(waits).singleElement().satisfies(wait ->
                assertThat(wait).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2100)));
    }

    @Test
    void tooManyRequestsIsRetriedWithBackoffWhenNoRetryAfterIsGiven() {
        script.add(Answer.json(429, "{\"code\":\"rate_limited\"}"));
        script.add(Answer.json(429, "{\"code\":\"rate_limited\"}"));
        script.add(Answer.json(200, "{}"));

        http().send("POST", "/api/sync/pull", "token", body(), true);

        assertThat(seen).hasSize(3);
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void aServerThatCannotBeReachedIsReportedUnreachableAfterTheLastAttempt() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> http(URI.create("http://127.0.0.1:" + closedPort))
                .send("POST", "/api/sync/push", "token", body(), true))
                .isInstanceOf(ServerUnreachableException.class).hasMessageContaining("after 4 attempt(s)")
                .hasMessageContaining("cannot connect");
        assertThat(waits).hasSize(3);
    }

    @Test
    void aRetriableAnswerThatLastsEndsAsUnreachable() {
        for (int i = 0; i < 4; i++) {
            script.add(Answer.json(503, "{\"code\":\"unavailable\",\"detail\":\"Kafka did not acknowledge\"}"));
        }
        assertThatThrownBy(() -> http().send("POST", "/api/sync/push", "token", body(), true))
                .isInstanceOf(ServerUnreachableException.class).hasMessageContaining("503 unavailable");
        assertThat(seen).hasSize(4);
    }

    @Test
    void aProblemIsNotRetriedAndCarriesItsCodeAndFieldErrors() {
        script.add(Answer.json(400, "{\"status\":400,\"code\":\"invalid_request\",\"detail\":\"bad\","
                + "\"errors\":[{\"field\":\"changes[1].data.name\",\"message\":\"must not be blank\"}]}"));

        assertThatThrownBy(() -> http().send("POST", "/api/sync/push", "token", body(), true))
                .isInstanceOfSatisfying(ServerRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("invalid_request");
                    assertThat(e.errors()).containsExactly(
                            new ServerRejectedException.FieldError("changes[1].data.name", "must not be blank"));
                });
        assertThat(seen).hasSize(1);
    }

    @Test
    void aLostAnswerIsRetriedOnlyWhenTheRequestMayBeRepeated() {
        script.add(new Answer(null, null, null, null));
        script.add(Answer.json(200, "{\"results\":[]}"));
        http().send("POST", "/api/sync/push", "token", body(), true);
        assertThat(seen).hasSize(2);

        seen.clear();
        script.add(new Answer(null, null, null, null));
        assertThatThrownBy(() -> http().send("POST", "/api/accounts", null, body(), false))
                .isInstanceOf(SyncException.class).isNotInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("may or may not have been done");
        assertThat(seen).hasSize(1);
    }

    @Test
    void largeBodiesAreCompressedBothWays() {
        ObjectNode large = Json.MAPPER.createObjectNode();
        large.put("strokes", "x".repeat(40_000));
        for (ContentCoding answered : ContentCoding.values()) {
            script.add(new Answer(200, "{\"echo\":\"" + "y".repeat(5000) + "\"}", null, answered));

            JsonNode answer = http().send("POST", "/api/sync/push", "token", large, true);

            Seen request = seen.get(seen.size() - 1);
            assertThat(request.contentEncoding()).isEqualTo("zstd");
            assertThat(request.acceptEncoding()).isEqualTo("zstd, gzip");
            assertThat(Json.MAPPER.readTree(request.body())).isEqualTo(large);
            assertThat(answer.get("echo").stringValue()).as(answered.token()).hasSize(5000);
        }
    }

    @Test
    void aServerThatRefusesZstdBodiesGetsTheSameBodyInGzipFromThenOn() {
        ObjectNode large = Json.MAPPER.createObjectNode();
        large.put("strokes", "x".repeat(40_000));
        script.add(Answer.json(415, "{\"code\":\"unsupported_media_type\",\"detail\":\"use gzip or none\"}"));
        script.add(Answer.json(200, "{\"ok\":1}"));
        script.add(Answer.json(200, "{\"ok\":2}"));
        HttpJson http = http();

        assertThat(http.send("POST", "/api/sync/push", "token", large, false).get("ok").intValue()).isEqualTo(1);
        assertThat(http.send("POST", "/api/sync/push", "token", large, false).get("ok").intValue()).isEqualTo(2);

        assertThat(seen).extracting(Seen::contentEncoding).containsExactly("zstd", "gzip", "gzip");
        assertThat(seen).extracting(s -> Json.MAPPER.readTree(s.body())).containsOnly(large);
        assertThat(waits).as("no back-off: nothing was wrong but the encoding").isEmpty();
    }
}

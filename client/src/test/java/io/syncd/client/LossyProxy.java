package io.syncd.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An HTTP proxy in front of the server that can lose answers: it forwards a request, lets the server do all of it,
 * then drops the connection instead of answering (what a device sees when it crashes, or its network fails, between
 * send and answer), or rewrites the push results to {@code pending}. Closed, it refuses connections.
 */
public final class LossyProxy implements AutoCloseable {
    enum Mode {
        FORWARD,
        /** Pushes reach the server; their answers are lost. */
        DROP_PUSH_ANSWERS,
        /** Pushes reach the server; every result comes back {@code pending} (not decided within the wait). */
        PENDING_PUSH_ANSWERS,
        /** Pull answers after the first {@link #pullsToAnswer} are lost. */
        DROP_PULL_ANSWERS,
        /** Pull answers after the first one that holds {@link #lastAnswerHolds} are lost. */
        DROP_PULL_ANSWERS_AFTER_TEXT
    }

    private static final List<String> REQUEST_HEADERS =
            List.of("Authorization", "Content-Type", "Content-Encoding", "Accept");
    private final URI target;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Mode mode = Mode.FORWARD;
    private final AtomicInteger pushes = new AtomicInteger();
    private final AtomicInteger pulls = new AtomicInteger();
    private volatile int pullsToAnswer;
    private volatile String lastAnswerHolds;
    private volatile boolean textAnswered;

    public LossyProxy(URI target) {
        this(target, 0);
    }

    /** A proxy on the given port (0: any free one); a closed proxy's port can be opened again. */
    public LossyProxy(URI target, int port) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    void dropPullAnswersAfter(int answered) {
        pulls.set(0);
        pullsToAnswer = answered;
        mode = Mode.DROP_PULL_ANSWERS;
    }

    /** Answers pulls until one whose answer holds the text (a record id, say), then loses every later answer. */
    void dropPullAnswersAfterOneWith(String text) {
        lastAnswerHolds = text;
        textAnswered = false;
        mode = Mode.DROP_PULL_ANSWERS_AFTER_TEXT;
    }

    /** Pushes that reached the server through this proxy. */
    public int pushesForwarded() {
        return pushes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().toString();
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : REQUEST_HEADERS) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                request.header(header, value);
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        byte[] answer = response.body();
        boolean push = path.startsWith("/api/sync/push");
        boolean pull = path.startsWith("/api/sync/pull");
        if (push) {
            pushes.incrementAndGet();
        }
        if (push && mode == Mode.DROP_PUSH_ANSWERS
                || pull && mode == Mode.DROP_PULL_ANSWERS && pulls.incrementAndGet() > pullsToAnswer
                || pull && mode == Mode.DROP_PULL_ANSWERS_AFTER_TEXT && !answersBefore(answer)) {
            // The server did the work; the device never hears of it. Throwing makes the HTTP server close the socket.
            throw new IOException("answer dropped by the test proxy");
        }
        if (push && mode == Mode.PENDING_PUSH_ANSWERS && response.statusCode() == 200) {
            ObjectNode pending = Json.MAPPER.createObjectNode();
            for (JsonNode result : Json.MAPPER.readTree(answer).get("results")) {
                pending.withArray("results").addObject().put("change_id", result.get("change_id").stringValue())
                        .put("status", "pending").put("table", result.get("table").stringValue())
                        .put("record_id", result.get("record_id").stringValue());
            }
            answer = Json.MAPPER.writeValueAsBytes(pending);
        }
        response.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
        response.headers().firstValue("Retry-After").ifPresent(v -> exchange.getResponseHeaders().set("Retry-After", v));
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    /** Whether this pull answer still goes through: it is the first that holds the text, or one before it. */
    private synchronized boolean answersBefore(byte[] answer) {
        if (textAnswered) {
            return false;
        }
        textAnswered = new String(answer, StandardCharsets.UTF_8).contains(lastAnswerHolds);
        return true;
    }
}

package io.syncd.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

import javax.net.ssl.SSLContext;

import io.syncd.client.RetryPolicy;
import io.syncd.client.ServerRejectedException;
import io.syncd.client.ServerUnreachableException;
import io.syncd.client.SyncException;
import io.syncd.common.ContentCoding;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;

/**
 * JSON over HTTP with the protocol's error handling: problem+json errors become {@link ServerRejectedException};
 * network errors, 503, 429 (and a proxy's 502/504) are retried with {@link Backoff}, then end as
 * {@link ServerUnreachableException}. Bodies are compressed both ways when large: zstd, or gzip for a server without it.
 */
final class HttpJson {
    private static final System.Logger LOG = System.getLogger(HttpJson.class.getName());
    private static final Set<Integer> RETRIABLE_STATUS = Set.of(429, 502, 503, 504);
    /** Request bodies from this size on are sent compressed (the server decodes them; PROTOCOL.md). */
    private static final int COMPRESS_FROM_BYTES = 16 * 1024;

    /** Waits between attempts; a test can replace it. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final URI base;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final Backoff backoff;
    private final Clock clock;
    private final Sleeper sleeper;
    /** zstd until a server refuses it (one older than zstd bodies answers 415): then gzip, which every version decodes. */
    private volatile ContentCoding requestCoding = ContentCoding.ZSTD;

    HttpJson(URI base, Duration connectTimeout, Duration requestTimeout, RetryPolicy retries, Clock clock,
             SSLContext sslContext, RandomGenerator random, Sleeper sleeper) {
        this.base = base;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .sslContext(sslContext).build();
        this.requestTimeout = requestTimeout;
        this.backoff = new Backoff(retries, random);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Sends a request and returns the JSON answer (null when the body is empty).
     *
     * @param idempotent whether the request may be repeated after it possibly reached the server (a push with the
     *                   same change ids may; creating an account may not, so it is retried only when it surely did
     *                   not arrive: connection refused, or 503/429)
     */
    JsonNode send(String method, String path, String token, JsonNode body, boolean idempotent) {
        return send(method, path, token, body, idempotent, requestTimeout);
    }

    /** As {@link #send(String, String, String, JsonNode, boolean)}, with a timeout of its own (a long-poll's). */
    JsonNode send(String method, String path, String token, JsonNode body, boolean idempotent, Duration timeout) {
        String what = method + " " + path;
        for (int attempt = 1; ; attempt++) {
            Retriable failure;
            try {
                return once(method, path, token, body, idempotent, timeout);
            } catch (Retriable e) {
                failure = e;
            }
            Optional<Duration> wait = backoff.before(attempt, failure.retryAfter);
            if (wait.isEmpty()) {
                throw new ServerUnreachableException(what + " failed after " + attempt + " attempt(s): "
                        + failure.getMessage(), failure.getCause());
            }
            LOG.log(System.Logger.Level.INFO, "{0} failed ({1}); retry {2} in {3} ms", what, failure.getMessage(),
                    attempt, String.valueOf(wait.get().toMillis()));
            try {
                sleeper.sleep(wait.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServerUnreachableException(what + " interrupted while waiting to retry", e);
            }
        }
    }

    /** The status of one GET, or -1 without an answer; never retried (a health check wants the answer now). */
    int status(String path, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Opens a {@code text/event-stream} GET, once (the caller decides when to try again): the open answer, or
     * {@link ServerRejectedException} for any other status (503 included: a stream is not retried here),
     * {@link ServerUnreachableException} without an answer. {@code timeout} bounds the wait for the answer's head only.
     */
    HttpResponse<InputStream> openEventStream(String path, String token, String lastEventId, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ServerUnreachableException("GET " + path + ": no answer from " + base + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerUnreachableException("GET " + path + " interrupted", e);
        }
        int status = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (status == 200 && type.startsWith("text/event-stream")) {
            return response;
        }
        JsonNode answer;
        try (InputStream in = response.body()) {
            // A problem+json of the server, or a proxy's page: a little of it tells what happened.
            answer = parse(status, response.headers().firstValue("Content-Encoding").orElse(null),
                    in.readNBytes(64 * 1024));
        } catch (IOException | SyncException e) {
            answer = null;
        }
        String code = answer != null && answer.hasNonNull("code") ? answer.get("code").asString() : null;
        String detail = status == 200 ? "not an event stream (Content-Type " + type + ")"
                : answer != null && answer.hasNonNull("detail") ? answer.get("detail").asString() : "";
        throw new ServerRejectedException(status, code, "GET " + path + ": HTTP " + status
                + (code == null ? "" : " " + code) + (detail.isEmpty() ? "" : ": " + detail), fieldErrors(answer));
    }

    private JsonNode once(String method, String path, String token, JsonNode body, boolean idempotent,
                          Duration timeout) throws Retriable {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Accept", "application/json").header("Accept-Encoding", ContentCoding.ACCEPTED);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        ContentCoding sent = null;
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
            if (bytes.length >= COMPRESS_FROM_BYTES) {
                // The fastest level, as the server answers: a device's CPU and battery gain more than the bytes cost.
                sent = requestCoding;
                bytes = sent.encode(bytes);
                request.header("Content-Encoding", sent.token());
            }
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Retriable("cannot connect to " + base + ": " + describe(e), e, null);
        } catch (IOException e) {
            if (idempotent) {
                throw new Retriable("no answer from " + base + ": " + describe(e), e, null);
            }
            throw new SyncException(method + " " + path + " got no answer from " + base + " (" + describe(e)
                    + "); it may or may not have been done", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerUnreachableException(method + " " + path + " interrupted", e);
        }
        int status = response.statusCode();
        JsonNode answer = parse(status, response.headers().firstValue("Content-Encoding").orElse(null),
                response.body());
        if (status >= 200 && status < 300) {
            return answer;
        }
        if (status == 415 && sent == ContentCoding.ZSTD) {
            LOG.log(System.Logger.Level.INFO, "{0} does not decode zstd bodies: sending gzip from now on", base);
            requestCoding = ContentCoding.GZIP;
            return once(method, path, token, body, idempotent, timeout);
        }
        String code = answer != null && answer.hasNonNull("code") ? answer.get("code").asString() : null;
        String detail = answer != null && answer.hasNonNull("detail") ? answer.get("detail").asString()
                : answer != null && answer.hasNonNull("title") ? answer.get("title").asString() : "";
        String message = "HTTP " + status + (code == null ? "" : " " + code) + (detail.isEmpty() ? "" : ": " + detail);
        if (RETRIABLE_STATUS.contains(status)) {
            throw new Retriable(message, null,
                    RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock));
        }
        throw new ServerRejectedException(status, code, method + " " + path + ": " + message, fieldErrors(answer));
    }

    private static JsonNode parse(int status, String contentEncoding, byte[] body) {
        byte[] bytes = body;
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try {
            bytes = ContentCoding.decodeBody(contentEncoding, bytes);
            return AnswerParser.read(bytes);
        } catch (IOException | MalformedAnswerException e) {
            if (status >= 200 && status < 300) {
                throw new SyncException("the server's answer is not JSON: "
                        + new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8), e);
            }
            return null; // an error page of a proxy, say: the status alone tells what happened
        }
    }

    private static List<ServerRejectedException.FieldError> fieldErrors(JsonNode problem) {
        List<ServerRejectedException.FieldError> errors = new ArrayList<>();
        if (problem != null && problem.path("errors").isArray()) {
            for (JsonNode error : problem.get("errors")) {
                errors.add(new ServerRejectedException.FieldError(error.path("field").asString(""),
                        error.path("message").asString("")));
            }
        }
        return errors;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " " + message);
    }

    /** A failure that another attempt may not meet. */
    private static final class Retriable extends Exception {
        final Duration retryAfter;

        Retriable(String message, Throwable cause, Duration retryAfter) {
            super(message, cause);
            this.retryAfter = retryAfter;
        }
    }
}

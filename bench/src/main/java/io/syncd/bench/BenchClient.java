package io.syncd.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncd.common.ContentCoding;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;

/**
 * The bench's device: bodies compressed both ways as the SDK sends them (zstd; gzip or none to compare), and full
 * JSON parsing of answers.
 */
final class BenchClient {
    private static final AtomicInteger HTTP_THREADS = new AtomicInteger();
    // Named, so that ThreadCpu counts their CPU as the bench's own (the client's selector thread is the JDK's HttpClient-N).
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "bench-http-" + HTTP_THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }))
            .build();
    private final String baseUrl;
    private final ContentCoding coding;

    /** One answer: parsed body and the bytes that crossed the wire (request + response bodies). */
    record Answer(int status, JsonNode body, long wireBytes) {
    }

    /** @param coding the encoding of bodies both ways, null for none */
    BenchClient(String baseUrl, ContentCoding coding) {
        this.baseUrl = baseUrl;
        this.coding = coding;
    }

    /** The same server with bodies in {@code coding} (null for none). */
    BenchClient encoded(ContentCoding coding) {
        return new BenchClient(baseUrl, coding);
    }

    Answer post(String path, String token, String json) {
        return post(path, token, json, Duration.ofSeconds(120));
    }

    /** A post that may take {@code timeout}: a verify of a full run's million changes from Kafka takes minutes. */
    Answer post(String path, String token, String json, Duration timeout) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (coding != null) {
            body = coding.encode(body);
            request.header("Content-Encoding", coding.token()).header("Accept-Encoding", coding.token());
        }
        HttpResponse<byte[]> response = send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] raw = response.body();
        try {
            byte[] text = ContentCoding.decodeBody(response.headers().firstValue("Content-Encoding").orElse(null), raw);
            return new Answer(response.statusCode(), Json.MAPPER.readTree(text), body.length + raw.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Answer get(String path) {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), null, response.body().length);
    }

    /** The server's meters ({@code GET /metrics}): each series' samples summed over their labels. */
    Map<String, Double> meters() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.statusCode());
        }
        Map<String, Double> sums = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            sums.merge(line.substring(0, nameEnd), value, Double::sum);
        }
        return sums;
    }

    /** Sends a request; a failure to get an answer stops the bench. */
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates an account and registers one device; returns its token. */
    String newDevice() {
        Answer account = post("/api/accounts", null, "{\"name\":\"bench\"}");
        String key = account.body().get("enrollment_key").stringValue();
        return post("/api/devices/register", null, "{\"enrollment_key\":\"" + key + "\",\"device_name\":\"bench\"}")
                .body().get("device_token").stringValue();
    }

    /** Pushes and checks that every change was decided; returns the answer. */
    Answer push(String token, String body) {
        Answer answer = post("/api/sync/push", token, body);
        if (answer.status() != 200) {
            throw new IllegalStateException("push failed: " + answer.status() + " " + answer.body());
        }
        for (JsonNode result : answer.body().get("results")) {
            String status = result.get("status").stringValue();
            if (!status.equals("applied")) {
                throw new IllegalStateException("a bench change was " + status + ": " + result);
            }
        }
        return answer;
    }

    /**
     * Pulls a whole chain from {@code cursor}; returns the number of records and the last cursor. Pages are read
     * as they arrive, each change into a tree ({@link PageReader}).
     */
    String[] pullAll(String token, String cursor, int limit) {
        return pullAll(token, cursor, limit, "");
    }

    /**
     * Pulls every page from {@code cursor}; returns the record count and the last cursor.
     *
     * @param fields more pull fields for every page, e.g. {@code ,"books":[…]} or {@code ,"strokes_format":"ink"}
     */
    String[] pullAll(String token, String cursor, int limit, String fields) {
        int records = 0;
        while (true) {
            String body = "{\"cursor\":" + (cursor == null ? "null" : "\"" + cursor + "\"") + ",\"limit\":" + limit
                    + fields + "}";
            PageReader.Page page;
            // Read as it arrives, as a device would: decompressing and parsing overlap the server's writing.
            try (InputStream stream = postStream("/api/sync/pull", token, body)) {
                page = PageReader.read(stream);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            records += page.changes();
            cursor = page.cursor();
            if (!page.hasMore()) {
                return new String[] {Integer.toString(records), cursor};
            }
        }
    }

    /** The decoded body of a successful POST, as a stream. */
    private InputStream postStream(String path, String token, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token);
        if (coding != null) {
            body = coding.encode(body);
            builder.header("Content-Encoding", coding.token()).header("Accept-Encoding", coding.token());
        }
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try {
            InputStream raw = response.body();
            InputStream text = ContentCoding.bodyDecoder(response.headers().firstValue("Content-Encoding").orElse(null),
                    raw);
            if (response.statusCode() != 200) {
                try (text) {
                    throw new IllegalStateException(path + " failed: " + response.statusCode() + " "
                            + new String(text.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

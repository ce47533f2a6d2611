package io.syncd.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device's side of {@code GET /api/sync/stream}: the response read on a background thread and parsed as
 * Server-Sent Events into a queue of events ({@code event}, {@code id}, {@code data}); {@code : ping} comments are
 * counted. Closing it closes the response body, as a device that leaves does.
 */
final class EventStream implements AutoCloseable {
    /** HTTP/1.1, as most devices and proxies speak it to the server; no request timeout, a stream lasts. */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One dispatched event. */
    record Event(String name, String id, String data) {
    }

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger pings = new AtomicInteger();
    private final Thread reader;
    private volatile boolean ended;

    private EventStream(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The request a device makes, with {@code Last-Event-ID} when not null and further header name/value pairs. */
    static HttpRequest request(Api api, Api.Device device, String lastEventId, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/sync/stream"))
                .header("Authorization", "Bearer " + device.token()).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    /** Opens the device's stream; fails unless the server answers 200. */
    static EventStream open(Api api, Api.Device device, String lastEventId, String... headers) {
        HttpResponse<InputStream> response = send(request(api, device, lastEventId, headers));
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = e.toString();
            }
            throw new AssertionError("GET /api/sync/stream answered " + response.statusCode() + ": " + body);
        }
        return new EventStream(response);
    }

    /** Opens the device's stream, or null when the server answers other than 200. */
    static EventStream tryOpen(Api api, Api.Device device) {
        HttpResponse<InputStream> response = send(request(api, device, null));
        if (response.statusCode() != 200) {
            try {
                response.body().close();
            } catch (IOException e) {
                // gone already
            }
            return null;
        }
        return new EventStream(response);
    }

    static EventStream open(Api api, Api.Device device) {
        return open(api, device, null);
    }

    static HttpResponse<InputStream> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            parse(lines, events, pings);
        } catch (IOException e) {
            // closed by the test, or by the server
        } finally {
            ended = true;
        }
    }

    /**
     * Parses Server-Sent Events (WHATWG HTML, "event stream interpretation") until the end of the body: events into
     * {@code events}, {@code : ping} comments counted in {@code pings}.
     */
    private static void parse(BufferedReader lines, BlockingQueue<Event> events, AtomicInteger pings) throws IOException {
        Event event;
        while ((event = nextEvent(lines, pings)) != null) {
            events.add(event);
        }
    }

    /** Reads up to the next dispatched event; null at the end of the body. */
    static Event nextEvent(BufferedReader lines, AtomicInteger pings) throws IOException {
        String name = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null || name != null) {
                    return new Event(name == null ? "message" : name, id, data == null ? "" : data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                if (line.substring(1).strip().equals("ping")) {
                    pings.incrementAndGet();
                }
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> name = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { }
            }
        }
        return null;
    }

    HttpHeaders headers() {
        return response.headers();
    }

    /** The next event, waiting up to {@code timeout}; fails when none comes. */
    Event next(Duration timeout) {
        try {
            Event event = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no event within " + timeout + (ended ? " (the stream ended)" : ""));
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event if one comes within {@code timeout}, else null. */
    Event poll(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Events received and not taken yet. */
    int pending() {
        return events.size();
    }

    int pings() {
        return pings.get();
    }

    /** The server ended the response body. */
    boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // gone already
        }
        reader.interrupt();
    }
}

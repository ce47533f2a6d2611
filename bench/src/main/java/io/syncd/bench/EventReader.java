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
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.syncd.client.http.EventStream;

/**
 * A device's change stream ({@code GET /api/sync/stream}, PROTOCOL.md "Real-time") read as it arrives on a thread of
 * its own: each Server-Sent Event goes into a queue with the {@link System#nanoTime()} it was read at, so a
 * notification's latency is the time the device had it, not the time the bench looked. {@code : ping} comments are
 * skipped. Closing it closes the response, as a device that leaves does.
 */
final class EventReader implements AutoCloseable {
    /** HTTP/1.1, as devices and proxies speak it; no request timeout: a stream lasts. */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** One dispatched event, with the time its blank line was read. */
    record Event(String name, String id, String data, long receivedNanos) {
    }

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    private EventReader(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "bench-sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream of the device with {@code token}; fails unless the server answers 200. */
    static EventReader open(String baseUrl, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/sync/stream"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = e.toString();
            }
            throw new IllegalStateException("GET /api/sync/stream answered " + response.statusCode() + ": " + body);
        }
        return new EventReader(response);
    }

    /** Reads with the SDK's parser, so the bench hears the stream as a device does. */
    private void read() {
        try (EventStream stream = new EventStream(response.body())) {
            for (Optional<EventStream.Event> event = stream.next(); event.isPresent(); event = stream.next()) {
                EventStream.Event e = event.get();
                events.add(new Event(e.type(), e.id(), e.data(), System.nanoTime()));
            }
        } catch (IOException e) {
            // closed by the bench, or by the server
        } finally {
            ended = true;
        }
    }

    /** The next event, waiting up to {@code timeout}; fails when none comes. */
    Event next(Duration timeout) {
        try {
            Event event = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new IllegalStateException("no stream event within " + timeout
                        + (ended ? " (the server ended the stream)" : ""));
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Drops the events received and not taken yet; returns how many. */
    int drain() {
        int dropped = 0;
        while (events.poll() != null) {
            dropped++;
        }
        return dropped;
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

package io.syncd.client.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An open {@code text/event-stream} (WHATWG "server-sent events"), read one event at a time. Comments (the server's
 * {@code : ping}) are not events but count as traffic, so a caller can tell a quiet stream from a dead one.
 * {@link #close()} from another thread ends a blocked {@link #next()}.
 */
public final class EventStream implements AutoCloseable {
    /** One dispatched event: its type ({@code message} when unnamed), its id (null when it set none) and data. */
    public record Event(String type, String id, String data) {
    }

    private final InputStream body;
    private final BufferedReader lines;
    private volatile long lastTrafficNanos = System.nanoTime();

    /** Reads the events of a response body that is an event stream (the caller checked the status and type). */
    public EventStream(InputStream body) {
        this.body = body;
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event; empty when the server ended the stream. Throws IOException when the connection broke. */
    public Optional<Event> next() throws IOException {
        String type = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
            lastTrafficNanos = System.nanoTime();
            if (line.isEmpty()) {
                if (data != null || type != null || id != null) {
                    return Optional.of(new Event(type == null ? "message" : type, id,
                            data == null ? "" : data.toString()));
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue; // a comment: a heartbeat
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // "retry" and unknown fields: the SDK has its own reconnect policy
                }
            }
        }
        return Optional.empty();
    }

    /** When a line (an event's or a heartbeat) last arrived, in {@link System#nanoTime()}. */
    public long lastTrafficNanos() {
        return lastTrafficNanos;
    }

    /** Closes the connection; safe from any thread, and more than once. */
    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing a broken connection: nothing left to do
        }
    }
}

package io.syncd.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import tools.jackson.databind.JsonNode;

/**
 * The real-time path (PROTOCOL.md "Real-time"): two devices A and B of one account; B pushes one small change at a
 * time and the bench times, from B's push answered {@code applied}, A's {@code changed} event, A's pull triggered by
 * it, or A's held pull ({@code wait_ms}). Each push waits for the one before it to reach A, so each is measured alone.
 * A time is 0 when A had the change before B had its answer (the event can beat the push's answer).
 */
final class RealtimeScenarios implements AutoCloseable {
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final int WAIT_MS = 10_000;
    private final BenchClient client;
    private final String url;
    private final Workload workload = new Workload(29);
    private final String writer;
    private final String reader;
    private final UUID book;
    private final ExecutorService heldPulls = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-held-pull");
        thread.setDaemon(true);
        return thread;
    });
    private String cursor;
    private boolean metersReadable = true;

    /** Times of one notify run: push answered → event, and → the event's pull returned the record (ms). */
    record Notified(List<Double> event, List<Double> pull) {
    }

    RealtimeScenarios(BenchClient client, String url) {
        this.client = client;
        this.url = url;
        List<String> devices = accountDevices(client, "realtime", 2);
        this.writer = devices.get(0);
        this.reader = devices.get(1);
        this.book = Workload.id();
        client.push(writer, Workload.push(List.of(Workload.change("books", book, 0, Workload.book("realtime")))));
        this.cursor = pullOnce(reader, cursor, 0).get("cursor").stringValue();
    }

    /**
     * {@code pushes} times: B pushes one event record; A's stream gets {@code changed} with {@code events} among its
     * tables; A pulls from its cursor and gets that record.
     */
    Notified notify(int pushes) {
        List<Double> event = new ArrayList<>(pushes);
        List<Double> pull = new ArrayList<>(pushes);
        try (EventReader stream = EventReader.open(url, reader)) {
            stream.next(EVENT_TIMEOUT); // the first event, at once on connect
            for (int i = 0; i < pushes; i++) {
                stream.drain();
                UUID record = Workload.id();
                client.push(writer, Workload.push(List.of(Workload.change("events", record, 0, workload.event(book)))));
                long answered = System.nanoTime();
                // An event for all tables (the server's listener reconnected) may come before the push's: then the
                // pull it triggers lacks the record, and the push's event is the next.
                for (int events = 0; ; events++) {
                    EventReader.Event changed = stream.next(EVENT_TIMEOUT);
                    if (!changed.name().equals("changed") || !changed.data().contains("\"events\"")) {
                        throw new IllegalStateException("expected a changed event for events, got " + changed);
                    }
                    JsonNode page = pullOnce(reader, cursor, 0);
                    if (contains(page, record)) {
                        event.add(Math.max(0, (changed.receivedNanos() - answered) / 1e6));
                        pull.add(Math.max(0, Stats.millisSince(answered)));
                        break;
                    }
                    if (events == 2) {
                        throw new IllegalStateException("the pulls after three events did not return record " + record
                                + ": " + page);
                    }
                }
            }
        }
        return new Notified(event, pull);
    }

    /** {@code pushes} times: A's pull with wait_ms is held at the head; B pushes; ms until A's pull answered with it. */
    List<Double> longPoll(int pushes) throws Exception {
        List<Double> millis = new ArrayList<>(pushes);
        for (int i = 0; i < pushes; i++) {
            String from = cursor;
            Future<long[]> held = heldPulls.submit(() -> {
                JsonNode page = pullOnce(reader, from, WAIT_MS);
                return new long[] {System.nanoTime(), page.get("changes").size()};
            });
            awaitHeld(held);
            UUID record = Workload.id();
            client.push(writer, Workload.push(List.of(Workload.change("events", record, 0, workload.event(book)))));
            long answered = System.nanoTime();
            long[] done = held.get();
            if (done[1] == 0) {
                throw new IllegalStateException("a held pull answered empty: the push was not seen within "
                        + WAIT_MS + " ms");
            }
            millis.add(Math.max(0, (done[0] - answered) / 1e6));
        }
        return millis;
    }

    /**
     * Until the server holds the pull (its {@code syncd_pulls_held} meter, with the /metrics the bench's server opens);
     * without readable meters (--url), 100 ms.
     */
    private void awaitHeld(Future<?> held) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (metersReadable && System.nanoTime() < deadline && !held.isDone()) {
            try {
                if (client.meters().getOrDefault("syncd_pulls_held", 0.0) >= 1) {
                    return;
                }
            } catch (RuntimeException e) {
                metersReadable = false;
            }
            Thread.sleep(2);
        }
        if (!metersReadable) {
            Thread.sleep(100);
        }
        if (held.isDone()) {
            throw new IllegalStateException("a pull with wait_ms " + WAIT_MS + " answered before anything was pushed");
        }
    }

    /** One pull page from {@code from}; the reader's cursor moves to its end. */
    private JsonNode pullOnce(String token, String from, int waitMs) {
        String body = "{\"cursor\":" + (from == null ? "null" : "\"" + from + "\"") + ",\"limit\":1000"
                + (waitMs > 0 ? ",\"wait_ms\":" + waitMs : "") + "}";
        BenchClient.Answer answer = client.post("/api/sync/pull", token, body, Duration.ofMillis(waitMs + 30_000L));
        if (answer.status() != 200) {
            throw new IllegalStateException("pull failed: " + answer.status() + " " + answer.body());
        }
        if (answer.body().get("has_more").booleanValue()) {
            throw new IllegalStateException("the real-time device was more than a page behind");
        }
        cursor = answer.body().get("cursor").stringValue();
        return answer.body();
    }

    private static boolean contains(JsonNode page, UUID record) {
        for (JsonNode change : page.get("changes")) {
            if (change.get("record_id").stringValue().equals(record.toString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Registers {@code accounts} × {@code perAccount} devices, a few at a time; returns their tokens. Registration is
     * limited per address unless the server says otherwise (the bench's own server does): a 429 waits its Retry-After.
     */
    static List<String> registerDevices(BenchClient client, int accounts, int perAccount) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int a = 0; a < accounts; a++) {
                futures.add(pool.submit(() -> accountDevices(client, "idle", perAccount)));
            }
            List<String> tokens = new ArrayList<>(accounts * perAccount);
            for (Future<List<String>> future : futures) {
                tokens.addAll(future.get());
            }
            return tokens;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One account with {@code devices} devices; their tokens. */
    private static List<String> accountDevices(BenchClient client, String name, int devices) {
        String key = unlimited(client, "/api/accounts", "{\"name\":\"" + name + "\"}").get("enrollment_key")
                .stringValue();
        List<String> tokens = new ArrayList<>(devices);
        for (int d = 0; d < devices; d++) {
            tokens.add(unlimited(client, "/api/devices/register", "{\"enrollment_key\":\"" + key
                    + "\",\"device_name\":\"" + name + " " + d + "\"}").get("device_token").stringValue());
        }
        return tokens;
    }

    private static JsonNode unlimited(BenchClient client, String path, String body) {
        for (int attempt = 0; ; attempt++) {
            BenchClient.Answer answer = client.post(path, null, body);
            if (answer.status() == 201) {
                return answer.body();
            }
            if (answer.status() != 429 || attempt == 100) {
                throw new IllegalStateException(path + " answered " + answer.status() + ": " + answer.body());
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        heldPulls.shutdownNow();
    }
}

package io.syncd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Initial sync of large data sets and incremental pulls, each a whole chain of pages parsed by the client. */
final class PullScenarios {
    private static final int PUSH_SIZE = 1000;
    private static final int PAGE = 5000;
    private final BenchClient client;
    private final Workload workload = new Workload(11);

    PullScenarios(BenchClient client) {
        this.client = client;
    }

    /** A device whose account holds {@code count} events (small records) in one book. */
    String accountWithEvents(int count) {
        String token = client.newDevice();
        UUID book = Workload.id();
        List<String> changes = new ArrayList<>(List.of(Workload.change("books", book, 0, Workload.book("big"))));
        for (int i = 0; i < count; i++) {
            changes.add(Workload.change("events", Workload.id(), 0, workload.event(book)));
        }
        pushInChunks(token, changes);
        return token;
    }

    /** A device and the book whose {@code count} notes with ~5 KB of JSON strokes each its account holds. */
    record Notes(String token, UUID book) {
    }

    /** A device whose account holds {@code count} notes with ~5 KB of JSON strokes each, pushed as JSON. */
    Notes accountWithNotes(int count) {
        String token = client.newDevice();
        UUID book = Workload.id();
        List<UUID> events = new ArrayList<>();
        List<String> changes = new ArrayList<>(List.of(Workload.change("books", book, 0, Workload.book("notes"))));
        for (int e = 0; e < 100; e++) {
            UUID event = Workload.id();
            events.add(event);
            changes.add(Workload.change("events", event, 0, workload.event(book)));
        }
        for (int i = 0; i < count; i++) {
            changes.add(Workload.change("notes", Workload.id(), 0, workload.note(events.get(i % 100), 5000)));
        }
        pushInChunks(token, changes);
        return new Notes(token, book);
    }

    /** Pushes in requests of the protocol's maximum size, in order (parents first as listed). */
    private void pushInChunks(String token, List<String> changes) {
        for (int from = 0; from < changes.size(); from += PUSH_SIZE) {
            client.push(token, Workload.push(changes.subList(from, Math.min(changes.size(), from + PUSH_SIZE))));
        }
    }

    /**
     * Milliseconds of a whole initial pull chain (median of {@code runs}, after one that is not counted: the first
     * pull of a data set this size runs code the warm-up's small pages never made hot); checks the record count.
     */
    double initialPull(String token, int expected, int runs) {
        return initialPull(token, expected, runs, "");
    }

    /** {@link #initialPull(String, int, int)} with more pull fields, e.g. {@code ,"strokes_format":"ink"}. */
    double initialPull(String token, int expected, int runs, String fields) {
        client.pullAll(token, null, PAGE, fields);
        double[] times = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            int records = Integer.parseInt(client.pullAll(token, null, PAGE, fields)[0]);
            times[r] = Stats.millisSince(start);
            if (records < expected) {
                throw new IllegalStateException("initial pull returned " + records + " records, expected " + expected);
            }
        }
        return Stats.median(times);
    }

    /** p50 of pulling the 50 changes another device of the account just pushed. */
    double incremental(int samples) {
        // A second device of the same account writes; the reader pulls what it wrote.
        BenchClient.Answer account = client.post("/api/accounts", null, "{\"name\":\"incr\"}");
        String key = account.body().get("enrollment_key").stringValue();
        String readerToken = client.post("/api/devices/register", null, "{\"enrollment_key\":\"" + key
                + "\",\"device_name\":\"reader\"}").body().get("device_token").stringValue();
        String writerToken = client.post("/api/devices/register", null, "{\"enrollment_key\":\"" + key
                + "\",\"device_name\":\"writer\"}").body().get("device_token").stringValue();
        UUID book = Workload.id();
        client.push(writerToken, Workload.push(List.of(Workload.change("books", book, 0, Workload.book("incr")))));
        String cursor = client.pullAll(readerToken, null, PAGE)[1];
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            List<String> changes = new ArrayList<>(50);
            for (int c = 0; c < 50; c++) {
                changes.add(Workload.change("events", Workload.id(), 0, workload.event(book)));
            }
            client.push(writerToken, Workload.push(changes));
            long start = System.nanoTime();
            String[] pulled = client.pullAll(readerToken, cursor, PAGE);
            millis.add(Stats.millisSince(start));
            if (!pulled[0].equals("50")) {
                throw new IllegalStateException("incremental pull returned " + pulled[0] + " records, expected 50");
            }
            cursor = pulled[1];
        }
        return Stats.percentile(millis, 50);
    }
}

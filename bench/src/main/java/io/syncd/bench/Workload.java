package io.syncd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.syncd.common.Json;
import io.syncd.common.TimeOrderedIds;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the seed app's changes as push JSON: books, events, notes and drawings with handwriting strokes shaped
 * like real ones (points of a smooth pen path), so compression sees what it would see in production.
 */
final class Workload {
    private final Random random;

    Workload(long seed) {
        this.random = new Random(seed);
    }

    /** Strokes of about {@code bytes} bytes of JSON: [[x, y, pressure, t], …] per stroke. */
    String strokes(int bytes) {
        StringBuilder json = new StringBuilder(bytes + 64).append('[');
        int x = random.nextInt(800);
        int y = random.nextInt(1200);
        int t = 0;
        while (json.length() < bytes) {
            json.append(json.length() > 1 ? "," : "").append('[');
            int points = 20 + random.nextInt(30);
            for (int p = 0; p < points; p++) {
                x = Math.max(0, Math.min(2000, x + random.nextInt(9) - 4));
                y = Math.max(0, Math.min(3000, y + random.nextInt(9) - 4));
                t += 8 + random.nextInt(4);
                json.append(p == 0 ? "" : ",").append('[').append(x).append(',').append(y).append(',')
                        .append(40 + random.nextInt(20)).append(',').append(t).append(']');
            }
            json.append(']');
        }
        return json.append(']').toString();
    }

    /** How the load generator makes record and change ids. */
    enum Ids {
        /** As the SDK makes them ({@link TimeOrderedIds}). */
        TIME_ORDERED,
        /** Random (version 4) UUIDs, as apps that make their own ids with {@link UUID#randomUUID()}. */
        RANDOM
    }

    private static volatile Ids ids = Ids.TIME_ORDERED;

    /** Chooses the ids of the whole run, before its first change. */
    static void useIds(Ids kind) {
        ids = kind;
    }

    /**
     * A new id, its random bits from {@link ThreadLocalRandom}: {@link UUID#randomUUID()} reads the kernel's entropy
     * pool under a lock, which was an eighth of the load generator's CPU on the cores it shares with the server.
     */
    static UUID id() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (ids == Ids.TIME_ORDERED) {
            return TimeOrderedIds.next(System.currentTimeMillis(), random);
        }
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(high, low);
    }

    static String change(String table, UUID recordId, long baseVersion, String data) {
        return "{\"change_id\":\"" + id() + "\",\"table\":\"" + table + "\",\"op\":\"upsert\",\"record_id\":\""
                + recordId + "\",\"base_version\":" + baseVersion + ",\"data\":" + data + "}";
    }

    static String book(String name) {
        return "{\"name\":\"" + name + "\",\"archived\":false}";
    }

    String event(UUID bookId) {
        int hour = 8 + random.nextInt(9);
        return "{\"book_id\":\"" + bookId + "\",\"name\":\"Check-up " + random.nextInt(100000)
                + "\",\"record_number\":\"R-" + random.nextInt(1_000_000) + "\",\"event_type\":\"visit\","
                + "\"start_time\":\"2026-11-24T" + (hour < 10 ? "0" : "") + hour + ":00:00Z\","
                + "\"end_time\":\"2026-11-24T" + (hour < 9 ? "0" : "") + (hour + 1) + ":00:00Z\","
                + "\"is_removed\":false,\"removal_reason\":null}";
    }

    String note(UUID eventId, int strokeBytes) {
        return "{\"event_id\":\"" + eventId + "\",\"strokes\":" + strokes(strokeBytes) + "}";
    }

    String drawing(UUID bookId, int strokeBytes) {
        return "{\"book_id\":\"" + bookId + "\",\"date\":\"2026-11-" + (10 + random.nextInt(18))
                + "\",\"view_mode\":" + random.nextInt(3) + ",\"strokes\":" + strokes(strokeBytes) + "}";
    }

    static String push(List<String> changes) {
        return "{\"changes\":[" + String.join(",", changes) + "]}";
    }

    /** The push of an ink device: its changes' strokes as {@code strokes_ink}, answers in the ink form too. */
    static String inkPush(List<String> changes) {
        return "{\"changes\":[" + String.join(",", changes.stream().map(Workload::inkChange).toList())
                + "],\"strokes_format\":\"ink\"}";
    }

    /** A change of {@link #change} as an ink device sends it: {@code strokes} replaced by {@code strokes_ink} base64. */
    static String inkChange(String change) {
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(change);
        if (tree.get("data") instanceof ObjectNode data && data.has("strokes")) {
            JsonNode strokes = data.remove("strokes");
            data.put("strokes_ink", InkCodec.toBase64(InkCodec.encode(strokes)));
        }
        return Json.MAPPER.writeValueAsString(tree);
    }

    /**
     * The seed's sync of {@code n} changes: a book, then events in it, notes on them (~5 KB of strokes each) and a
     * drawing; for n = 50: 1 book, 19 events, 25 notes, 5 drawings (by the slots: 10 changes hold 4 events, 5 notes, 1
     * drawing, the book taking the first event slot).
     */
    List<String> mixedSync(int n) {
        List<String> changes = new ArrayList<>(n);
        UUID bookId = id();
        changes.add(change("books", bookId, 0, book("Clinic " + random.nextInt(1000))));
        List<UUID> events = new ArrayList<>();
        while (changes.size() < n) {
            int slot = changes.size() % 10;
            if (slot < 4 || events.isEmpty()) {
                UUID eventId = id();
                events.add(eventId);
                changes.add(change("events", eventId, 0, event(bookId)));
            } else if (slot == 9) {
                changes.add(change("schedule_drawings", id(), 0, drawing(bookId, 5000)));
            } else {
                changes.add(change("notes", id(), 0, note(events.get(random.nextInt(events.size())), 5000)));
            }
        }
        return changes;
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.upsert;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A reproducible random workload through the real API: several accounts with two devices each push creates,
 * updates, deletes (cascading to children), stale versions (conflicts) and orphans (rejections) over all four
 * tables, and pull now and then. Pushes go one at a time, so the order of decisions is the order of this code.
 * Each device works from its own view (its pushes' answers and its pulls), as a real one does; what the server
 * answered is counted per device and table, with the requests and their bytes.
 */
final class RandomWorkload {
    private static final List<String> TABLES = List.of("books", "events", "notes", "schedule_drawings");

    /** What one device did, as the server answered it. */
    static final class Counts {
        long pushes;
        long pulls;
        long bytesIn;
        long bytesOut;
        final Map<String, long[]> tables = new LinkedHashMap<>();

        Counts() {
            TABLES.forEach(t -> tables.put(t, new long[3]));
        }

        long applied(String table) {
            return tables.get(table)[0];
        }

        long conflicts(String table) {
            return tables.get(table)[1];
        }

        long rejected(String table) {
            return tables.get(table)[2];
        }

        long changes() {
            return tables.values().stream().mapToLong(c -> c[0] + c[1] + c[2]).sum();
        }
    }

    /** A record as a device last saw it. */
    private record Seen(String table, UUID id, long version, boolean deleted, UUID parent) {
    }

    private final Api api;
    private final Random random;
    final List<Api.Device> devices = new ArrayList<>();
    final Map<String, Counts> counts = new LinkedHashMap<>();
    private final Map<String, Map<UUID, Seen>> views = new HashMap<>();
    private final Map<String, String> cursors = new HashMap<>();

    private RandomWorkload(Api api, long seed) {
        this.api = api;
        this.random = new Random(seed);
    }

    /** Runs {@code pushes} pushes of 1–8 changes spread over {@code accounts} accounts of two devices each. */
    static RandomWorkload run(Api api, long seed, int accounts, int pushes) {
        RandomWorkload workload = new RandomWorkload(api, seed);
        for (int a = 0; a < accounts; a++) {
            Api.Device first = api.newDevice();
            workload.add(first);
            workload.add(api.sibling(first));
        }
        for (int p = 0; p < pushes; p++) {
            Api.Device device = workload.devices.get(workload.random.nextInt(workload.devices.size()));
            if (workload.random.nextInt(8) == 0) {
                workload.pull(device);
            }
            workload.push(device, p);
        }
        workload.devices.forEach(workload::pull);
        return workload;
    }

    private void add(Api.Device device) {
        devices.add(device);
        counts.put(device.deviceId(), new Counts());
        views.put(device.deviceId(), new LinkedHashMap<>());
    }

    List<String> accountIds() {
        return devices.stream().map(Api.Device::accountId).distinct().toList();
    }

    long changes() {
        return counts.values().stream().mapToLong(Counts::changes).sum();
    }

    private void push(Api.Device device, int round) {
        Map<UUID, Seen> view = views.get(device.deviceId());
        List<ObjectNode> changes = new ArrayList<>();
        int size = 1 + random.nextInt(8);
        for (int i = 0; i < size; i++) {
            ObjectNode change = change(view, round + "." + i);
            if (deletesAParent(change)) {
                // Alone: the applier decides a request's tables in parallel partitions, and a child whose parent
                // exists does not wait for it, so a parent's delete beside a change to its child is a race
                // (docs/ARCHITECTURE.md, "Verify from Kafka"); pushed alone, it is decided in push order.
                if (changes.isEmpty()) {
                    changes.add(change);
                }
                break;
            }
            if (changes.stream().noneMatch(c -> c.get("record_id").equals(change.get("record_id")))) {
                changes.add(change);
            }
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("changes");
        changes.forEach(list::add);
        Api.Response response = api.post("/api/sync/push", device.token(), body);
        if (response.status() != 200) {
            throw new IllegalStateException("push failed: " + response.status() + " " + response.text());
        }
        Counts c = counts.get(device.deviceId());
        c.pushes++;
        c.bytesIn += body.toString().getBytes(StandardCharsets.UTF_8).length;
        c.bytesOut += response.raw().body().length;
        JsonNode results = response.body().get("results");
        for (int i = 0; i < changes.size(); i++) {
            ObjectNode change = changes.get(i);
            JsonNode result = results.get(i);
            String table = change.get("table").stringValue();
            long[] t = c.tables.get(table);
            switch (result.get("status").stringValue()) {
                case "applied" -> {
                    t[0]++;
                    UUID id = UUID.fromString(change.get("record_id").stringValue());
                    boolean deleted = change.get("op").stringValue().equals("delete");
                    Seen before = view.get(id);
                    view.put(id, new Seen(table, id, result.get("version").longValue(), deleted,
                            deleted ? (before == null ? null : before.parent()) : parentOf(table, change.get("data"))));
                }
                case "conflict" -> {
                    t[1]++;
                    JsonNode server = result.get("server_record");
                    if (server != null && !server.isNull()) {
                        see(view, server);
                    }
                }
                case "rejected" -> t[2]++;
                default -> throw new IllegalStateException("undecided within the wait: " + result);
            }
        }
    }

    private static boolean deletesAParent(ObjectNode change) {
        String table = change.get("table").stringValue();
        return change.get("op").stringValue().equals("delete") && (table.equals("books") || table.equals("events"));
    }

    /** One change, chosen from what the device believes: mostly valid, some stale, some orphaned. */
    private ObjectNode change(Map<UUID, Seen> view, String label) {
        List<Seen> books = live(view, "books");
        List<Seen> events = live(view, "events");
        int action = random.nextInt(20);
        if (books.isEmpty() || action < 4) {
            return upsert("books", UUID.randomUUID(), 0, Api.book("book " + label));
        }
        Seen book = books.get(random.nextInt(books.size()));
        return switch (action) {
            case 4, 5 -> upsert("books", book.id(), book.version(), Api.book("renamed " + label));
            case 6 -> upsert("books", book.id(), book.version() + 1 + random.nextInt(3), Api.book("stale " + label));
            case 7 -> Api.delete("books", book.id(), book.version());
            case 8 -> {
                List<Seen> gone = view.values().stream().filter(s -> s.deleted() && s.table().equals("books")).toList();
                yield gone.isEmpty() ? Api.delete("events", UUID.randomUUID(), 0)
                        : upsert("books", gone.get(0).id(), gone.get(0).version(), Api.book("back " + label));
            }
            case 9, 10, 11 -> upsert("events", UUID.randomUUID(), 0, Api.event(book.id(), "event " + label)
                    .put("event_type", "visit").put("end_time", "2026-11-24T10:00:00Z"));
            case 12 -> upsert("events", UUID.randomUUID(), 0, Api.event(UUID.randomUUID(), "orphan " + label));
            case 13, 14 -> {
                if (events.isEmpty()) {
                    yield upsert("schedule_drawings", UUID.randomUUID(), 0, Api.drawing(book.id()));
                }
                Seen event = events.get(random.nextInt(events.size()));
                yield random.nextBoolean()
                        ? upsert("notes", UUID.randomUUID(), 0, Api.note(event.id()))
                        : upsert("events", event.id(), event.version(), Api.event(event.parent(), "moved " + label)
                                .put("is_removed", random.nextBoolean()));
            }
            case 15 -> events.isEmpty() ? Api.delete("notes", UUID.randomUUID(), 0)
                    : Api.delete("events", events.get(0).id(), events.get(0).version());
            case 16, 17 -> upsert("schedule_drawings", UUID.randomUUID(), 0, Api.drawing(book.id()));
            case 18 -> {
                List<Seen> drawings = live(view, "schedule_drawings");
                yield drawings.isEmpty() ? upsert("notes", UUID.randomUUID(), 0, Api.note(UUID.randomUUID()))
                        : upsert("schedule_drawings", drawings.get(0).id(), drawings.get(0).version(),
                                Api.drawing(drawings.get(0).parent()).put("view_mode", random.nextInt(3)));
            }
            default -> {
                List<Seen> notes = live(view, "notes");
                yield notes.isEmpty() ? upsert("books", book.id(), Math.max(0, book.version() - 1), Api.book("old " + label))
                        : upsert("notes", notes.get(0).id(), notes.get(0).version(), Api.note(notes.get(0).parent()));
            }
        };
    }

    private List<Seen> live(Map<UUID, Seen> view, String table) {
        return view.values().stream().filter(s -> !s.deleted() && s.table().equals(table)).toList();
    }

    /** Pulls every page since the device's cursor, counting each request, and refreshes its view. */
    private void pull(Api.Device device) {
        Counts c = counts.get(device.deviceId());
        Map<UUID, Seen> view = views.get(device.deviceId());
        while (true) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("cursor", cursors.get(device.deviceId()));
            body.put("limit", 100);
            Api.Response response = api.post("/api/sync/pull", device.token(), body);
            if (response.status() != 200) {
                throw new IllegalStateException("pull failed: " + response.status() + " " + response.text());
            }
            c.pulls++;
            c.bytesIn += body.toString().getBytes(StandardCharsets.UTF_8).length;
            c.bytesOut += response.raw().body().length;
            response.body().get("changes").forEach(r -> see(view, r));
            cursors.put(device.deviceId(), response.body().get("cursor").stringValue());
            if (!response.body().get("has_more").booleanValue()) {
                return;
            }
        }
    }

    private static void see(Map<UUID, Seen> view, JsonNode record) {
        String table = record.get("table").stringValue();
        UUID id = UUID.fromString(record.get("record_id").stringValue());
        boolean deleted = record.get("is_deleted").booleanValue();
        Seen before = view.get(id);
        UUID parent = deleted ? (before == null ? null : before.parent()) : parentOf(table, record.get("data"));
        view.put(id, new Seen(table, id, record.get("version").longValue(), deleted, parent));
    }

    private static UUID parentOf(String table, JsonNode data) {
        String field = switch (table) {
            case "events", "schedule_drawings" -> "book_id";
            case "notes" -> "event_id";
            default -> null;
        };
        return field == null ? null : UUID.fromString(data.get(field).stringValue());
    }
}

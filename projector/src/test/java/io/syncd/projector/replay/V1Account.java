package io.syncd.projector.replay;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.common.Json;
import io.syncd.common.SyncTable;

/**
 * One account of a v1 database (schema version 11, strokes kept as JSON text), written as the v1 applier wrote it:
 * each decided change a {@code sync_log} row, and each applied one the live row with the sync columns replay derives
 * from that row (version = result_version, updated_at = received_at, synced_at = decided_at, device_id, position).
 * A change's data is v1's normalized data, its strokes the array's text as the device sent it, in the live row too.
 */
final class V1Account {
    /** Decision times of all accounts, a few seconds apart with microseconds (what PostgreSQL keeps). */
    private static final AtomicLong CLOCK = new AtomicLong();
    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

    final UUID id = UUID.randomUUID();
    final UUID device = UUID.randomUUID();
    private final JdbcClient jdbc;
    private final Map<UUID, Long> versions = new HashMap<>();
    private final Map<UUID, String> lastData = new HashMap<>();
    private final Map<UUID, UUID> booksOfEvents = new HashMap<>();
    private long position;

    V1Account(JdbcClient jdbc) {
        this.jdbc = jdbc;
        jdbc.sql("INSERT INTO accounts (id, name, enrollment_key_hash) VALUES (?, 'v1', ?)")
                .params(id, id.toString().getBytes()).update();
    }

    UUID book(String name) {
        return upsert(SyncTable.BOOKS, UUID.randomUUID(), fields("name", name, "archived", false), null);
    }

    UUID event(UUID book, String name) {
        OffsetDateTime start = OffsetDateTime.of(2026, 11, 24, 9, 30, 0, 250_000_000, ZoneOffset.UTC);
        UUID event = upsert(SyncTable.EVENTS, UUID.randomUUID(), fields("book_id", book, "name", name,
                "record_number", "R-1", "event_type", null, "start_time", start, "end_time", start.plusHours(1),
                "is_removed", false, "removal_reason", null), null);
        booksOfEvents.put(event, book);
        return event;
    }

    /** Writes (or edits) a note whose strokes are {@code strokes}, v1's JSON text. */
    UUID note(UUID id, UUID event, String strokes) {
        return upsert(SyncTable.NOTES, id, fields("event_id", event), strokes);
    }

    UUID drawing(UUID id, UUID book, int viewMode, String strokes) {
        return upsert(SyncTable.SCHEDULE_DRAWINGS, id, fields("book_id", book, "date", java.time.LocalDate.of(2026, 11, 24),
                "view_mode", viewMode), strokes);
    }

    /** An applied upsert: creates the record or edits it (version + 1). Returns the record's id. */
    UUID upsert(SyncTable table, UUID record, Map<String, Object> data, String strokes) {
        long version = versions.merge(record, 1L, Long::sum);
        String json = dataJson(data, strokes);
        Instant received = tick();
        Instant decided = received.plus(7_351, ChronoUnit.MICROS);
        long at = ++position;
        log(UUID.randomUUID(), table, record, "upsert", version - 1, version, "applied", json, null, at, null, received,
                decided);
        lastData.put(record, json);

        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("account_id", id);
        columns.put("id", record);
        columns.putAll(data);
        if (strokes != null) {
            columns.put("strokes", strokes);
        }
        if (table.keepsParentsBook()) {
            columns.put("book_id", booksOfEvents.get((UUID) data.get("event_id")));
        }
        columns.put("version", version);
        columns.put("is_deleted", false);
        columns.put("device_id", device);
        columns.put("updated_at", received.atOffset(ZoneOffset.UTC));
        columns.put("synced_at", decided.atOffset(ZoneOffset.UTC));
        columns.put("position", at);
        List<String> names = new ArrayList<>(columns.keySet());
        List<String> updates = names.stream().filter(n -> !n.equals("account_id") && !n.equals("id"))
                .map(n -> n + " = EXCLUDED." + n).toList();
        jdbc.sql("INSERT INTO " + table.wireName() + " (" + String.join(", ", names) + ") VALUES ("
                        + String.join(", ", names.stream().map(n -> "?").toList()) + ") ON CONFLICT (account_id, id)"
                        + " DO UPDATE SET " + String.join(", ", updates))
                .params(new ArrayList<>(columns.values())).update();
        return record;
    }

    /** An applied delete (or, with a cause, a tombstone a parent's delete cascaded to): the row keeps its data. */
    UUID delete(SyncTable table, UUID record, UUID causeChangeId) {
        long version = versions.merge(record, 1L, Long::sum);
        Instant received = tick();
        Instant decided = received.plus(4_002, ChronoUnit.MICROS);
        long at = ++position;
        UUID change = UUID.randomUUID();
        log(change, table, record, "delete", version - 1, version, "applied", null, null, at, causeChangeId, received,
                decided);
        jdbc.sql("UPDATE " + table.wireName() + " SET version = ?, is_deleted = true, device_id = ?, updated_at = ?,"
                        + " synced_at = ?, position = ? WHERE account_id = ? AND id = ?")
                .params(version, device, received.atOffset(ZoneOffset.UTC), decided.atOffset(ZoneOffset.UTC), at, id,
                        record).update();
        return change;
    }

    /** A change decided a conflict (a stale base version): nothing written; the device was shown the server's record. */
    void conflict(SyncTable table, UUID record) {
        Instant received = tick();
        log(UUID.randomUUID(), table, record, "upsert", versions.get(record) - 1, null, "conflict", null,
                envelope(table, record, received), null, null, received, received.plusMillis(3));
    }

    /** A use_server resolution: applied, nothing written, the server's record logged. */
    void useServer(SyncTable table, UUID record) {
        Instant received = tick();
        log(UUID.randomUUID(), table, record, "use_server", versions.get(record), versions.get(record), "applied", null,
                envelope(table, record, received), null, null, received, received.plusMillis(2));
    }

    /** A change refused by the applier: no data, no server record. */
    void rejected(SyncTable table, UUID record) {
        Instant received = tick();
        jdbc.sql("INSERT INTO sync_log (account_id, change_id, device_id, table_name, record_id, op, base_version,"
                        + " status, error_code, error_message, received_at, decided_at) VALUES (?, ?, ?, ?, ?, 'upsert',"
                        + " 0, 'rejected', 'parent_missing', 'its event does not exist', ?, ?)")
                .params(id, UUID.randomUUID(), device, table.wireName(), record, received.atOffset(ZoneOffset.UTC),
                        received.plusMillis(1).atOffset(ZoneOffset.UTC)).update();
    }

    /** Brings {@code accounts.change_seq} up to the last position handed out, as the apply transactions did. */
    void finish() {
        jdbc.sql("UPDATE accounts SET change_seq = ? WHERE id = ?").params(position, id).update();
    }

    private String envelope(SyncTable table, UUID record, Instant at) {
        return "{\"table\":\"" + table.wireName() + "\",\"record_id\":\"" + record + "\",\"version\":"
                + versions.get(record) + ",\"is_deleted\":false,\"data\":" + lastData.get(record) + ",\"updated_at\":\""
                + at + "\",\"device_id\":\"" + device + "\"}";
    }

    private void log(UUID change, SyncTable table, UUID record, String op, long baseVersion, Long resultVersion,
                     String status, String data, String serverRecord, Long position, UUID cause, Instant received,
                     Instant decided) {
        jdbc.sql("INSERT INTO sync_log (account_id, change_id, device_id, table_name, record_id, op, base_version,"
                        + " result_version, status, data, server_record, position, cause_change_id, received_at,"
                        + " decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, change, device, table.wireName(), record, op, baseVersion, resultVersion, status, data,
                        serverRecord, position, cause, received.atOffset(ZoneOffset.UTC), decided.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** v1's normalized data: every field, in the table's order, then the strokes' text as the device sent it. */
    private static String dataJson(Map<String, Object> data, String strokes) {
        StringBuilder json = new StringBuilder("{");
        data.forEach((name, value) -> {
            Object wire = value instanceof OffsetDateTime t ? t.toInstant().toString()
                    : value instanceof UUID || value instanceof java.time.LocalDate ? value.toString() : value;
            json.append(json.length() > 1 ? "," : "").append(Json.MAPPER.writeValueAsString(name)).append(':')
                    .append(Json.MAPPER.writeValueAsString(wire));
        });
        if (strokes != null) {
            json.append(",\"strokes\":").append(strokes);
        }
        return json.append('}').toString();
    }

    private static Instant tick() {
        return START.plusSeconds(CLOCK.incrementAndGet() * 3).plus(CLOCK.get() * 137 % 1_000_000, ChronoUnit.MICROS);
    }

    private static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }
}

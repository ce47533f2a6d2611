package io.syncd.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.syncd.common.Json;
import io.syncd.common.JsonValues;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * V12 keeps strokes in the ink encoding: every stored note and drawing (live and tombstoned), and every copy of their
 * data in the audit trail (an applied upsert's data, a conflict's server record), is converted losslessly, and a live
 * row's bytes equal those of its last applied upsert's data, which is what replay writes back (so verify stays equal).
 */
class StrokesInkMigrationTest {
    /** Strokes of every kind a v1 device could have stored, as the text v1 kept. */
    private static final List<String> V1_STROKES = List.of(
            "[[[10,20,512,1000],[11,22,530,1016],[13,25,540,1033]],[[50,60,100,2000]]]",
            "[[[10.25,20.5,0.5,1700000000000],[10.75,21,0.55,1700000000016]]]",
            "[[[0.1234567890123456789,1e-7,-3.5E+3,12345678901234567890123]]]",
            "[]",
            "[[], [[]], [[1,2]], \"text \\u0000 \\ud800 é\", {\"k\":[null,true,false]}, 1.50, -0]",
            "[[[1,2,3,4,5,6,7]]]");
    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private final UUID account = UUID.randomUUID();
    private final UUID device = UUID.randomUUID();
    private long position;

    @Test
    void storedStrokesBecomeInkEqualByValueAndTheAuditTrailAgreesByteForByte() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            Flyway.configure().dataSource(postgres.getPostgresDatabase()).target("11").load().migrate();
            try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
                sql.execute("INSERT INTO accounts (id, name, enrollment_key_hash) VALUES ('" + account + "', 'a', '\\x02')");
                UUID book = insert(db, "INSERT INTO books (account_id, id, name, version, device_id, updated_at, synced_at,"
                        + " position) VALUES (?, ?, 'b', 1, ?, now(), now(), ?)");
                UUID event = insert(db, "INSERT INTO events (account_id, id, name, start_time, version, device_id,"
                        + " updated_at, synced_at, position, book_id) VALUES (?, ?, 'e', now(), 1, ?, now(), now(), ?, '"
                        + book + "')");
                Map<UUID, String> notes = new LinkedHashMap<>();
                Map<UUID, String> drawings = new LinkedHashMap<>();
                for (int i = 0; i < V1_STROKES.size(); i++) {
                    String strokes = V1_STROKES.get(i);
                    UUID note = insert(db, "INSERT INTO notes (account_id, id, strokes, version, device_id, updated_at,"
                            + " synced_at, position, event_id, book_id, is_deleted) VALUES (?, ?, ?, 2, ?, now(), now(),"
                            + " ?, '" + event + "', '" + book + "', " + (i == 3) + ")", strokes);
                    notes.put(note, strokes);
                    // The audit trail: an older upsert, the last one (the live row's), and a conflict showing it.
                    log(db, "notes", note, "applied", data("event_id", event, "[[1]]"), null);
                    log(db, "notes", note, "applied", data("event_id", event, strokes), null);
                    log(db, "notes", note, "conflict", null, "{\"table\":\"notes\",\"record_id\":\"" + note
                            + "\",\"version\":2,\"is_deleted\":false,\"data\":" + data("event_id", event, strokes)
                            + ",\"updated_at\":\"2026-11-24T10:00:00Z\",\"device_id\":\"" + device + "\"}");
                    UUID drawing = insert(db, "INSERT INTO schedule_drawings (account_id, id, strokes, version, device_id,"
                            + " updated_at, synced_at, position, book_id, date, view_mode) VALUES (?, ?, ?, 1, ?, now(),"
                            + " now(), ?, '" + book + "', '2026-11-24', 1)", strokes);
                    drawings.put(drawing, strokes);
                    log(db, "schedule_drawings", drawing, "applied", "{\"book_id\":\"" + book
                            + "\",\"date\":\"2026-11-24\",\"view_mode\":1,\"strokes\":" + strokes + "}", null);
                }
                log(db, "events", event, "applied", "{\"book_id\":\"" + book + "\",\"name\":\"e\"}", null);

                Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();

                Map<UUID, byte[]> liveNotes = live(db, "notes");
                Map<UUID, byte[]> liveDrawings = live(db, "schedule_drawings");
                assertThat(liveNotes).hasSize(notes.size());
                for (Map.Entry<UUID, String> note : notes.entrySet()) {
                    assertSameValue(liveNotes.get(note.getKey()), note.getValue());
                    List<String> audit = auditData(db, note.getKey(), "data");
                    assertThat(audit).hasSize(2).allMatch(d -> d.contains("\"strokes_ink\":\"") && !d.contains("\"strokes\""));
                    assertThat(Json.MAPPER.readTree(audit.get(1)).get("strokes_ink").stringValue())
                            .as("the last upsert's data, which replay writes back").isEqualTo(base64(liveNotes.get(note.getKey())));
                    JsonNode serverRecord = Json.MAPPER.readTree(auditData(db, note.getKey(), "server_record").get(0));
                    assertThat(serverRecord.get("data").get("strokes_ink").stringValue())
                            .isEqualTo(base64(liveNotes.get(note.getKey())));
                    assertThat(serverRecord.get("updated_at").stringValue()).isEqualTo("2026-11-24T10:00:00Z");
                }
                for (Map.Entry<UUID, String> drawing : drawings.entrySet()) {
                    assertSameValue(liveDrawings.get(drawing.getKey()), drawing.getValue());
                    assertThat(Json.MAPPER.readTree(auditData(db, drawing.getKey(), "data").get(0)).get("strokes_ink")
                            .stringValue()).isEqualTo(base64(liveDrawings.get(drawing.getKey())));
                }
                assertThat(auditData(db, event, "data")).containsExactly("{\"book_id\":\"" + book + "\",\"name\":\"e\"}");
                assertThatThrownBy(() -> sql.execute("SELECT strokes FROM notes")).isInstanceOf(SQLException.class);
            }
        }
    }

    private static void assertSameValue(byte[] ink, String v1Strokes) throws Exception {
        assertThat(ink).isNotNull();
        JsonNode decoded = EXACT.readTree(InkCodec.decodeToJson(ink));
        assertThat(decoded.toString()).as(v1Strokes)
                .isEqualTo(EXACT.readTree(InkCodec.decodeToJson(InkCodec.encodeJson(v1Strokes.getBytes(StandardCharsets.UTF_8)))).toString());
        assertThat(JsonValues.equalByValue(decoded, EXACT.readTree(v1Strokes))).as(v1Strokes + " against " + decoded).isTrue();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String data(String parentField, UUID parent, String strokes) {
        return "{\"" + parentField + "\":\"" + parent + "\",\"strokes\":" + strokes + "}";
    }

    private UUID insert(Connection db, String sql, String... strokes) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, account);
            ps.setObject(i++, id);
            for (String s : strokes) {
                ps.setString(i++, s);
            }
            ps.setObject(i++, device);
            ps.setLong(i, ++position);
            ps.executeUpdate();
        }
        return id;
    }

    private void log(Connection db, String table, UUID record, String status, String data, String serverRecord)
            throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO sync_log (account_id, change_id, device_id,"
                + " table_name, record_id, op, base_version, result_version, status, data, server_record, position,"
                + " received_at, decided_at) VALUES (?, ?, ?, ?, ?, 'upsert', 1, ?, ?, ?, ?, ?, now(), now())")) {
            ps.setObject(1, account);
            ps.setObject(2, UUID.randomUUID());
            ps.setObject(3, device);
            ps.setString(4, table);
            ps.setObject(5, record);
            ps.setObject(6, status.equals("applied") ? 1L : null);
            ps.setString(7, status);
            ps.setString(8, data);
            ps.setString(9, serverRecord);
            ps.setObject(10, status.equals("applied") ? ++position : null);
            ps.executeUpdate();
        }
    }

    private Map<UUID, byte[]> live(Connection db, String table) throws SQLException {
        Map<UUID, byte[]> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT id, strokes_ink FROM " + table + " WHERE account_id = ?")) {
            ps.setObject(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getObject(1, UUID.class), rs.getBytes(2));
                }
            }
        }
        return rows;
    }

    /** The column of the record's audit rows that hold one, oldest first. */
    private List<String> auditData(Connection db, UUID record, String column) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT " + column + " FROM sync_log WHERE account_id = ?"
                + " AND record_id = ? AND " + column + " IS NOT NULL ORDER BY seq")) {
            ps.setObject(1, account);
            ps.setObject(2, record);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }
}

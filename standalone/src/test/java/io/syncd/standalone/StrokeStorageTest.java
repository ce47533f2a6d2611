package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Live strokes are kept uncompressed (V5) and the audit trail's copy out of pglz (V6: lz4 where the server has it),
 * so pushes and pulls skip pglz.
 */
class StrokeStorageTest {
    private final Api api = TestServer.api();

    private static ArrayNode strokes(int points) {
        ArrayNode stroke = Json.MAPPER.createArrayNode();
        for (int p = 0; p < points; p++) {
            stroke.addArray().add(400 + p % 7).add(600 + p % 5).add(50).add(p * 9);
        }
        ArrayNode strokes = Json.MAPPER.createArrayNode();
        strokes.add(stroke);
        return strokes;
    }

    @Test
    void largeStrokesAreStoredUncompressedInTheTablesAndWithoutPglzInTheLog() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        UUID noteId = UUID.randomUUID();
        UUID drawingId = UUID.randomUUID();
        ObjectNode note = Json.MAPPER.createObjectNode().put("event_id", eventId.toString());
        note.set("strokes", strokes(600));
        ObjectNode drawing = Json.MAPPER.createObjectNode().put("book_id", bookId.toString()).put("date", "2026-11-24")
                .put("view_mode", 0);
        drawing.set("strokes", strokes(700));
        assertThat(note.toString().length()).as("past PostgreSQL's 2 KB TOAST threshold").isGreaterThan(8000);

        JsonNode results = api.push(device, upsert("books", bookId, 0, book("b")), upsert("events", eventId, 0,
                event(bookId, "e")), upsert("notes", noteId, 0, note), upsert("schedule_drawings", drawingId, 0, drawing))
                .body().get("results");
        for (JsonNode result : results) {
            assertThat(result.get("status").stringValue()).as(result.toString()).isEqualTo("applied");
        }

        EmbeddedDatabase db = TestServer.server().infrastructure().database();
        try (Connection conn = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            assertThat(compression(conn, "SELECT pg_column_compression(strokes_ink) FROM notes WHERE id = ?", noteId))
                    .as("live note").isNull();
            assertThat(compression(conn, "SELECT pg_column_compression(strokes_ink) FROM schedule_drawings WHERE id = ?",
                    drawingId)).as("live drawing").isNull();
            assertThat(compression(conn, "SELECT pg_column_compression(data) FROM sync_log WHERE record_id = ?", noteId))
                    .as("the log's copy").isIn(null, "lz4");
        }

        Map<String, JsonNode> pulled = new HashMap<>();
        for (JsonNode record : api.pullAll(device, null).records()) {
            pulled.put(record.get("record_id").stringValue(), record.get("data").get("strokes"));
        }
        assertThat(pulled.get(noteId.toString())).isEqualTo(note.get("strokes"));
        assertThat(pulled.get(drawingId.toString())).isEqualTo(drawing.get("strokes"));
    }

    private static String compression(Connection conn, String sql, UUID id) throws Exception {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql + " finds " + id).isTrue();
                return rs.getString(1);
            }
        }
    }
}

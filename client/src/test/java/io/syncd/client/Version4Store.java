package io.syncd.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncd.common.ink.InkCodec;
import io.syncd.common.ink.InkFormatException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a store this SDK made into the file the version 4 SDK made of the same edits: strokes as JSON text in the
 * record tables and as {@code strokes} arrays in the outbox, {@code user_version} 4.
 */
final class Version4Store {
    private static final List<String> INK_TABLES = List.of("notes", "schedule_drawings");

    private Version4Store() {
    }

    /** {@code strokes}: the JSON text a record's strokes had in version 4 (record id → text); others keep theirs. */
    static void downgrade(Path file, Map<String, String> strokes) throws SQLException, InkFormatException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            for (String table : INK_TABLES) {
                Map<String, String> rows = new LinkedHashMap<>();
                try (ResultSet rs = statement.executeQuery("SELECT record_id, strokes_ink FROM " + table
                        + " WHERE strokes_ink IS NOT NULL")) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), strokes.getOrDefault(rs.getString(1), json(rs.getBytes(2))));
                    }
                }
                statement.execute("ALTER TABLE " + table + " DROP COLUMN strokes_ink");
                statement.execute("ALTER TABLE " + table + " ADD COLUMN strokes TEXT");
                try (PreparedStatement update =
                             connection.prepareStatement("UPDATE " + table + " SET strokes = ? WHERE record_id = ?")) {
                    for (Map.Entry<String, String> row : rows.entrySet()) {
                        update.setString(1, row.getValue());
                        update.setString(2, row.getKey());
                        update.executeUpdate();
                    }
                }
            }
            Map<Long, String> outbox = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery("SELECT seq, record_id, data FROM outbox WHERE data IS NOT NULL"
                    + " AND table_name IN ('notes', 'schedule_drawings')")) {
                while (rs.next()) {
                    ObjectNode data = (ObjectNode) JsonDevice.EXACT.readTree(rs.getString(3));
                    String ink = data.remove("strokes_ink").stringValue();
                    String text = strokes.getOrDefault(rs.getString(2), json(InkCodec.fromBase64(ink)));
                    data.set("strokes", JsonDevice.EXACT.readTree(text));
                    outbox.put(rs.getLong(1), JsonDevice.EXACT.writeValueAsString(data));
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE outbox SET data = ? WHERE seq = ?")) {
                for (Map.Entry<Long, String> row : outbox.entrySet()) {
                    update.setString(1, row.getValue());
                    update.setLong(2, row.getKey());
                    update.executeUpdate();
                }
            }
            statement.execute("PRAGMA user_version = 4");
        }
    }

    private static String json(byte[] ink) throws InkFormatException {
        return new String(InkCodec.decodeToJson(ink), StandardCharsets.UTF_8);
    }
}

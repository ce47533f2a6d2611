package io.syncd.client.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.syncd.common.Field;
import io.syncd.common.Strokes;
import io.syncd.common.SyncTable;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Schema version 5: strokes kept compact. Every JSON {@code strokes} a version-4 store holds becomes
 * {@code strokes_ink}: the record tables' TEXT column a BLOB of the ink bytes, and the base64 wire form in the JSON
 * copies (outbox changes, held records, conflicts' server records). Unsynced edits, the cursor and the stream id are
 * kept as they are; the caller's transaction makes the upgrade all or nothing.
 */
final class InkUpgrade {
    /** Decimals read exact, so that 0.1 or a 17-digit coordinate encodes to the same number, not a double's. */
    private static final JsonMapper EXACT =
            JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private InkUpgrade() {
    }

    static void apply(Connection connection) throws SQLException {
        List<String> inkTables = new ArrayList<>();
        for (SyncTable table : SyncTable.values()) {
            if (Strokes.isInkTable(table)) {
                inkTables.add(table.wireName());
                records(connection, table.wireName());
            }
        }
        String tables = "('" + String.join("', '", inkTables) + "')";
        copies(connection, "outbox", "SELECT seq, data FROM outbox WHERE data IS NOT NULL AND table_name IN " + tables,
                "UPDATE outbox SET data = ? WHERE seq = ?", false);
        copies(connection, "held_records", "SELECT rowid, record FROM held_records WHERE table_name IN " + tables,
                "UPDATE held_records SET record = ? WHERE rowid = ?", true);
        copies(connection, "conflicts", "SELECT rowid, server_record FROM conflicts WHERE server_record IS NOT NULL"
                + " AND table_name IN " + tables, "UPDATE conflicts SET server_record = ? WHERE rowid = ?", true);
    }

    /** The table's TEXT strokes column becomes a BLOB {@code strokes_ink} of the same strokes. */
    private static void records(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + table + " ADD COLUMN " + Field.STROKES_INK + " BLOB");
        }
        try (Statement select = connection.createStatement();
             ResultSet rs = select.executeQuery("SELECT record_id, " + Field.STROKES_JSON + " FROM " + table
                     + " WHERE " + Field.STROKES_JSON + " IS NOT NULL");
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE " + table + " SET " + Field.STROKES_INK + " = ? WHERE record_id = ?")) {
            while (rs.next()) {
                String recordId = rs.getString(1);
                update.setBytes(1, ink(rs.getString(2), table + " " + recordId));
                update.setString(2, recordId);
                update.executeUpdate();
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + table + " DROP COLUMN " + Field.STROKES_JSON);
        }
    }

    /** JSON copies of data ({@code envelope}: a record envelope with {@code data} inside) with their strokes as ink. */
    private static void copies(Connection connection, String table, String select, String update, boolean envelope)
            throws SQLException {
        try (Statement query = connection.createStatement();
             ResultSet rs = query.executeQuery(select);
             PreparedStatement write = connection.prepareStatement(update)) {
            while (rs.next()) {
                long row = rs.getLong(1);
                JsonNode json = EXACT.readTree(rs.getString(2));
                JsonNode data = envelope ? json.get("data") : json;
                if (data instanceof ObjectNode object && object.has(Field.STROKES_JSON)) {
                    inkData(object, table + " row " + row);
                    write.setString(1, EXACT.writeValueAsString(json));
                    write.setLong(2, row);
                    write.executeUpdate();
                }
            }
        }
    }

    /** Replaces {@code strokes} by {@code strokes_ink} in place, keeping the other fields and their order. */
    private static void inkData(ObjectNode data, String where) throws SQLException {
        List<String> names = new ArrayList<>(data.propertyNames());
        ObjectNode copy = data.deepCopy();
        data.removeAll();
        for (String name : names) {
            JsonNode value = copy.get(name);
            if (!name.equals(Field.STROKES_JSON)) {
                data.set(name, value);
            } else if (value.isNull()) {
                data.putNull(Field.STROKES_INK);
            } else {
                data.put(Field.STROKES_INK, InkCodec.toBase64(ink(EXACT.writeValueAsString(value), where)));
            }
        }
    }

    private static byte[] ink(String json, String where) throws SQLException {
        try {
            return InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // Stored strokes were checked when written: refuse the upgrade (the store stays version 4, whole)
            // rather than drop an edit.
            throw new SQLException("cannot upgrade the store to version 5: the strokes of " + where
                    + " are not a JSON array this SDK accepts: " + e.getMessage(), e);
        }
    }
}

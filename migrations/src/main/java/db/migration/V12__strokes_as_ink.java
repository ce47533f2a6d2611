package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import io.syncd.common.Field;
import io.syncd.common.Strokes;
import io.syncd.common.SyncTable;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strokes are kept in the ink encoding (PROTOCOL.md, "Ink encoding (strokes_ink)"): the live tables' {@code strokes}
 * text becomes {@code strokes_ink} bytea, and {@code sync_log}'s copies of notes and drawings ({@code data} and the
 * {@code server_record} of conflicts) hold {@code strokes_ink} base64 instead of the array. Every value is converted
 * by the same codec the gateway uses, so the live rows and the audit trail still agree byte for byte (verify).
 * A value that does not convert fails the migration, naming its row: nothing is dropped.
 */
public class V12__strokes_as_ink extends BaseJavaMigration {
    private static final int BATCH = 500;
    /** Numbers as exact decimals: the encoding keeps numbers by value, and a double would round a 17-digit one. */
    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    @Override
    public void migrate(Context context) throws Exception {
        Connection db = context.getConnection();
        for (String table : List.of("notes", "schedule_drawings")) {
            execute(db, "ALTER TABLE " + table + " ADD COLUMN strokes_ink bytea");
            convertLive(db, table);
            execute(db, "ALTER TABLE " + table + " ALTER COLUMN strokes_ink SET NOT NULL");
            execute(db, "ALTER TABLE " + table + " DROP COLUMN strokes");
            // As V5 for the arrays: read and written on the path a device waits on, never worth compressing.
            execute(db, "ALTER TABLE " + table + " ALTER COLUMN strokes_ink SET STORAGE EXTERNAL");
        }
        convertSyncLog(db);
    }

    private static void convertLive(Connection db, String table) throws SQLException {
        rewrite(db, "SELECT account_id, id, strokes FROM " + table,
                "UPDATE " + table + " SET strokes_ink = ? WHERE account_id = ? AND id = ?", (rs, write) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    write.setBytes(1, encode(rs.getBytes("strokes"), table + " " + id));
                    write.setObject(2, rs.getObject("account_id", UUID.class));
                    write.setObject(3, id);
                });
    }

    private static void convertSyncLog(Connection db) throws SQLException {
        rewrite(db, "SELECT account_id, change_id, table_name, data, server_record FROM sync_log"
                        + " WHERE table_name IN ('notes', 'schedule_drawings') AND (data IS NOT NULL OR server_record IS NOT NULL)",
                "UPDATE sync_log SET data = ?, server_record = ? WHERE account_id = ? AND change_id = ?", (rs, write) -> {
                    SyncTable table = SyncTable.fromWireName(rs.getString("table_name")).orElseThrow();
                    String where = "sync_log change " + rs.getObject("change_id", UUID.class);
                    write.setString(1, data(table, rs.getString("data"), where));
                    write.setString(2, serverRecord(table, rs.getString("server_record"), where));
                    write.setObject(3, rs.getObject("account_id", UUID.class));
                    write.setObject(4, rs.getObject("change_id", UUID.class));
                });
    }

    /** Sets the parameters of one row's update from the row read. */
    private interface RowUpdate {
        void set(ResultSet row, PreparedStatement update) throws SQLException;
    }

    /** Reads {@code select} through a cursor and runs {@code update} for each row, in batches. */
    private static void rewrite(Connection db, String select, String update, RowUpdate rowUpdate) throws SQLException {
        try (Statement read = db.createStatement(); PreparedStatement write = db.prepareStatement(update)) {
            read.setFetchSize(BATCH);
            int pending = 0;
            try (ResultSet rs = read.executeQuery(select)) {
                while (rs.next()) {
                    rowUpdate.set(rs, write);
                    write.addBatch();
                    if (++pending == BATCH) {
                        write.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                write.executeBatch();
            }
        }
    }

    private static byte[] encode(byte[] json, String where) {
        try {
            return InkCodec.encodeJson(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("V12: the strokes of " + where + " cannot be converted: " + e.getMessage(), e);
        }
    }

    private static String data(SyncTable table, String data, String where) {
        if (data == null) {
            return null;
        }
        ObjectNode upgraded = upgrade(table, (ObjectNode) EXACT.readTree(data), where);
        return EXACT.writeValueAsString(upgraded);
    }

    private static String serverRecord(SyncTable table, String envelope, String where) {
        if (envelope == null) {
            return null;
        }
        ObjectNode record = (ObjectNode) EXACT.readTree(envelope);
        if (record.get("data") instanceof ObjectNode data) {
            record.set("data", upgrade(table, data, where + " (its server_record)"));
        }
        return EXACT.writeValueAsString(record);
    }

    private static ObjectNode upgrade(SyncTable table, ObjectNode data, String where) {
        ObjectNode upgraded = Strokes.upgradeV1(table, data);
        if (upgraded.has(Field.STROKES_JSON)) {
            throw new IllegalStateException("V12: the strokes of " + where + " cannot be converted");
        }
        return upgraded;
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }
}

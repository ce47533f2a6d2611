package io.syncd.common;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import tools.jackson.databind.node.ObjectNode;

/**
 * A record of a synced table as stored: its data and sync columns.
 *
 * @param data the wire-form data; kept on tombstones (columns are NOT NULL) but never sent for them
 * @param position the account's change sequence of the change that wrote it last
 */
public record SyncedRecord(SyncTable table, UUID accountId, UUID recordId, long version, boolean deleted,
                           ObjectNode data, UUID deviceId, Instant updatedAt, Instant syncedAt, long position) {

    /** The columns {@link #read} needs, for a SELECT of {@code table}. */
    public static String columns(SyncTable table) {
        StringBuilder columns = new StringBuilder("account_id, id, version, is_deleted, device_id, updated_at, synced_at, position");
        for (Field field : table.fields()) {
            columns.append(", ").append(field.name());
        }
        return columns.toString();
    }

    /** Reads the current row of a SELECT of {@link #columns}. */
    public static SyncedRecord read(SyncTable table, ResultSet rs) throws SQLException {
        return new SyncedRecord(table, rs.getObject("account_id", UUID.class), rs.getObject("id", UUID.class),
                rs.getLong("version"), rs.getBoolean("is_deleted"), RecordData.fromRow(table, rs),
                rs.getObject("device_id", UUID.class), instant(rs, "updated_at"), instant(rs, "synced_at"),
                rs.getLong("position"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    /** The record envelope of PROTOCOL.md ("Records"), strokes in the stored form (ink). */
    public ObjectNode toEnvelope() {
        return toEnvelope(StrokesFormat.INK);
    }

    /**
     * The record envelope of PROTOCOL.md ("Records") as a device of {@code format} receives it; a tombstone carries
     * {@code "data":null}. A JSON device's strokes are decoded into this record's data.
     */
    public ObjectNode toEnvelope(StrokesFormat format) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("table", table.wireName());
        node.put("record_id", recordId.toString());
        node.put("version", version);
        node.put("is_deleted", deleted);
        if (deleted) {
            node.putNull("data");
        } else {
            node.set("data", format.present(data));
        }
        node.put("updated_at", RecordData.timestamp(updatedAt));
        node.put("device_id", deviceId.toString());
        return node;
    }
}

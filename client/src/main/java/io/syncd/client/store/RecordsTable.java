package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.syncd.client.LocalRecord;
import io.syncd.common.Field;
import io.syncd.common.Json;
import io.syncd.common.Strokes;
import io.syncd.common.SyncTable;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SQL of the four local record tables ({@code books}, {@code events}, {@code notes}, {@code schedule_drawings}):
 * one column per protocol field, plus {@code version}, {@code is_dirty}, {@code is_deleted}. Strokes are a BLOB of
 * their ink bytes; in the data this class reads and writes they are {@code strokes_ink}, base64 as on the wire. The
 * caller holds the {@link Database} lock.
 */
public final class RecordsTable {
    private final Database db;
    private final Map<SyncTable, Sql> sql = new EnumMap<>(SyncTable.class);

    public RecordsTable(Database db) {
        this.db = db;
        for (SyncTable table : SyncTable.values()) {
            sql.put(table, new Sql(table));
        }
    }

    /** The SQL of one table, built once from its field list. */
    private static final class Sql {
        final String select;
        final String listLive;
        final String listLiveChildren;
        final String writeLocal;
        final String writeServer;
        final String deleteLocal;
        final String writeTombstone;
        final String setVersion;
        final String refreshDirty;
        final String remove;
        final String updatedAt;

        Sql(SyncTable table) {
            String t = table.wireName();
            List<String> fields = table.fields().stream().map(Field::name).toList();
            String columns = String.join(", ", fields);
            String marks = fields.stream().map(f -> "?").collect(Collectors.joining(", "));
            String updates = fields.stream().map(f -> f + " = excluded." + f).collect(Collectors.joining(", "));
            select = "SELECT record_id, " + columns + ", version, is_dirty, is_deleted FROM " + t + " WHERE record_id = ?";
            listLive = "SELECT record_id, " + columns + ", version, is_dirty, is_deleted FROM " + t
                    + " WHERE is_deleted = 0 ORDER BY rowid";
            listLiveChildren = table.parentField() == null ? null : "SELECT record_id, " + columns
                    + ", version, is_dirty, is_deleted FROM " + t + " WHERE " + table.parentField()
                    + " = ? AND is_deleted = 0 ORDER BY rowid";
            // A local edit keeps the row's version: it stays the server version the edit is based on.
            writeLocal = "INSERT INTO " + t + " (record_id, " + columns + ", is_deleted, is_dirty) VALUES (?, " + marks
                    + ", ?, 1) ON CONFLICT (record_id) DO UPDATE SET " + updates
                    + ", is_deleted = excluded.is_deleted, is_dirty = 1";
            writeServer = "INSERT INTO " + t + " (record_id, " + columns
                    + ", version, is_deleted, updated_at, device_id, is_dirty) VALUES (?, " + marks
                    + ", ?, ?, ?, ?, 0) ON CONFLICT (record_id) DO UPDATE SET " + updates
                    + ", version = excluded.version, is_deleted = excluded.is_deleted, updated_at = excluded.updated_at,"
                    + " device_id = excluded.device_id, is_dirty = 0";
            // A tombstone keeps the row's fields, its parent among them: a deleted record still belongs to its book
            // (selective sync drops a book's records, tombstones too, and keeps a book whose local delete is unsent).
            deleteLocal = "UPDATE " + t + " SET is_deleted = 1, is_dirty = 1 WHERE record_id = ?";
            writeTombstone = "INSERT INTO " + t + " (record_id, version, is_deleted, updated_at, device_id, is_dirty)"
                    + " VALUES (?, ?, 1, ?, ?, 0) ON CONFLICT (record_id) DO UPDATE SET version = excluded.version,"
                    + " is_deleted = 1, updated_at = excluded.updated_at, device_id = excluded.device_id, is_dirty = 0";
            setVersion = "UPDATE " + t + " SET version = ? WHERE record_id = ?";
            // Dirty is derived: an outbox change or an open conflict/rejection of the record exists.
            refreshDirty = "UPDATE " + t + " SET is_dirty = (EXISTS (SELECT 1 FROM outbox WHERE table_name = '" + t
                    + "' AND record_id = ?1) OR EXISTS (SELECT 1 FROM conflicts WHERE table_name = '" + t
                    + "' AND record_id = ?1)) WHERE record_id = ?1";
            remove = "DELETE FROM " + t + " WHERE record_id = ?";
            updatedAt = "SELECT updated_at FROM " + t + " WHERE record_id = ?";
        }
    }

    public Optional<LocalRecord> find(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement = db.statement(sql.get(table).select);
        statement.setString(1, recordId);
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next() ? Optional.of(read(table, rs)) : Optional.empty();
        }
    }

    /** Live (not deleted) records, in the order they first arrived in the store. */
    public List<LocalRecord> listLive(SyncTable table) throws SQLException {
        List<LocalRecord> records = new ArrayList<>();
        try (ResultSet rs = db.statement(sql.get(table).listLive).executeQuery()) {
            while (rs.next()) {
                records.add(read(table, rs));
            }
        }
        return records;
    }

    /** Live records whose parent ({@code book_id}, {@code event_id}) is the given record. */
    public List<LocalRecord> listLiveChildren(SyncTable table, String parentId) throws SQLException {
        if (table.parentField() == null) {
            throw new IllegalArgumentException(table.wireName() + " has no parent");
        }
        PreparedStatement statement = db.statement(sql.get(table).listLiveChildren);
        statement.setString(1, parentId);
        List<LocalRecord> records = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                records.add(read(table, rs));
            }
        }
        return records;
    }

    /**
     * Writes a local edit: the data replaces the row's, the version stays. A delete ({@code data} null) of a row
     * keeps its fields, hidden, so the tombstone still names its parent.
     */
    public void writeLocal(SyncTable table, String recordId, ObjectNode data) throws SQLException {
        if (data == null) {
            PreparedStatement delete = db.statement(sql.get(table).deleteLocal);
            delete.setString(1, recordId);
            if (delete.executeUpdate() == 1) {
                return;
            }
        }
        PreparedStatement statement = db.statement(sql.get(table).writeLocal);
        statement.setString(1, recordId);
        int index = bindFields(statement, 2, table, data);
        statement.setInt(index, data == null ? 1 : 0);
        statement.executeUpdate();
    }

    /** Writes the server's record envelope as the row's clean state; a tombstone keeps the row's fields, hidden. */
    public void writeServer(SyncTable table, JsonNode envelope) throws SQLException {
        boolean deleted = envelope.path("is_deleted").asBoolean(false);
        JsonNode data = envelope.get("data");
        if (deleted || data == null || !data.isObject()) {
            PreparedStatement tombstone = db.statement(sql.get(table).writeTombstone);
            tombstone.setString(1, envelope.get("record_id").stringValue());
            tombstone.setLong(2, envelope.get("version").longValue());
            tombstone.setString(3, textOrNull(envelope.get("updated_at")));
            tombstone.setString(4, textOrNull(envelope.get("device_id")));
            tombstone.executeUpdate();
            return;
        }
        PreparedStatement statement = db.statement(sql.get(table).writeServer);
        statement.setString(1, envelope.get("record_id").stringValue());
        int index = bindFields(statement, 2, table, data);
        statement.setLong(index++, envelope.get("version").longValue());
        statement.setInt(index++, 0);
        statement.setString(index++, textOrNull(envelope.get("updated_at")));
        statement.setString(index, textOrNull(envelope.get("device_id")));
        statement.executeUpdate();
    }

    public void setVersion(SyncTable table, String recordId, long version) throws SQLException {
        PreparedStatement statement = db.statement(sql.get(table).setVersion);
        statement.setLong(1, version);
        statement.setString(2, recordId);
        statement.executeUpdate();
    }

    /** Recomputes {@code is_dirty} from the outbox and the open conflicts; call after changing either. */
    public void refreshDirty(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement = db.statement(sql.get(table).refreshDirty);
        statement.setString(1, recordId);
        statement.executeUpdate();
    }

    /** Removes the row (a record that never reached the server and never will). */
    public void remove(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement = db.statement(sql.get(table).remove);
        statement.setString(1, recordId);
        statement.executeUpdate();
    }

    /** The server's {@code updated_at} of the row's server state; empty when unknown (a record made here). */
    public Optional<Instant> updatedAt(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement = db.statement(sql.get(table).updatedAt);
        statement.setString(1, recordId);
        try (ResultSet rs = statement.executeQuery()) {
            String value = rs.next() ? rs.getString(1) : null;
            return Optional.ofNullable(value).map(text -> OffsetDateTime.parse(text).toInstant());
        }
    }

    public int countDirty() throws SQLException {
        int dirty = 0;
        for (SyncTable table : SyncTable.values()) {
            try (ResultSet rs = db.statement("SELECT count(*) FROM " + table.wireName() + " WHERE is_dirty = 1")
                    .executeQuery()) {
                dirty += rs.getInt(1);
            }
        }
        return dirty;
    }

    private static int bindFields(PreparedStatement statement, int index, SyncTable table, JsonNode data)
            throws SQLException {
        for (Field field : table.fields()) {
            JsonNode value = data == null ? null : data.get(field.name());
            if (value == null || value.isNull()) {
                statement.setNull(index++, Types.NULL);
                continue;
            }
            switch (field.type()) {
                case BOOL -> statement.setInt(index++, value.booleanValue() ? 1 : 0);
                case INT -> statement.setLong(index++, value.longValue());
                case INK -> statement.setBytes(index++, Strokes.inkBytes(value));
                case TEXT, UUID, TIMESTAMP, DATE -> statement.setString(index++, value.stringValue());
            }
        }
        return index;
    }

    private static LocalRecord read(SyncTable table, ResultSet rs) throws SQLException {
        boolean deleted = rs.getInt("is_deleted") == 1;
        ObjectNode data = null;
        if (!deleted) {
            data = Json.MAPPER.createObjectNode();
            for (Field field : table.fields()) {
                String name = field.name();
                switch (field.type()) {
                    case BOOL -> {
                        int value = rs.getInt(name);
                        if (rs.wasNull()) {
                            data.putNull(name);
                        } else {
                            data.put(name, value == 1);
                        }
                    }
                    case INT -> {
                        int value = rs.getInt(name);
                        if (rs.wasNull()) {
                            data.putNull(name);
                        } else {
                            data.put(name, value);
                        }
                    }
                    case INK -> {
                        // Kept as the wire's base64 text: the outbox, held records and pulls all hold that form.
                        byte[] ink = rs.getBytes(name);
                        if (ink == null) {
                            data.putNull(name);
                        } else {
                            data.put(name, InkCodec.toBase64(ink));
                        }
                    }
                    case TEXT, UUID, TIMESTAMP, DATE -> data.put(name, rs.getString(name));
                }
            }
        }
        return new LocalRecord(table.wireName(), rs.getString("record_id"), rs.getLong("version"), deleted,
                rs.getInt("is_dirty") == 1, data);
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.stringValue();
    }
}

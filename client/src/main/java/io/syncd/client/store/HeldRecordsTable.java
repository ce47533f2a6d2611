package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;

/**
 * Pulled records held back because a local edit of the same record was undecided. The pull cursor moves past them,
 * so they are kept here: when the local edit is applied at a lower version, the held record is the newer state.
 * The caller holds the {@link Database} lock.
 */
public final class HeldRecordsTable {
    private final Database db;

    public HeldRecordsTable(Database db) {
        this.db = db;
    }

    /** Keeps the envelope unless a newer one is held already. */
    public void hold(SyncTable table, JsonNode envelope) throws SQLException {
        PreparedStatement statement = db.statement("INSERT INTO held_records (table_name, record_id, version, record)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (table_name, record_id) DO UPDATE SET version = excluded.version,"
                + " record = excluded.record WHERE excluded.version > held_records.version");
        statement.setString(1, table.wireName());
        statement.setString(2, envelope.get("record_id").stringValue());
        statement.setLong(3, envelope.get("version").longValue());
        statement.setString(4, envelope.toString());
        statement.executeUpdate();
    }

    public Optional<JsonNode> find(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement =
                db.statement("SELECT record FROM held_records WHERE table_name = ? AND record_id = ?");
        statement.setString(1, table.wireName());
        statement.setString(2, recordId);
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next() ? Optional.of(Json.MAPPER.readTree(rs.getString(1))) : Optional.empty();
        }
    }

    /** Forgets every held record (their versions belong to a server history that was reset). */
    public void clear() throws SQLException {
        db.statement("DELETE FROM held_records").executeUpdate();
    }

    public void delete(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement = db.statement("DELETE FROM held_records WHERE table_name = ? AND record_id = ?");
        statement.setString(1, table.wireName());
        statement.setString(2, recordId);
        statement.executeUpdate();
    }
}

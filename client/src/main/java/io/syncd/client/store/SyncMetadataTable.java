package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code sync_metadata} row: the pull cursor (stored in the transaction of the page it ends), the last sync
 * time and the change stream's last event id. The caller holds the {@link Database} lock.
 */
public final class SyncMetadataTable {
    private final Database db;

    public SyncMetadataTable(Database db) {
        this.db = db;
    }

    /** The cursor to pull from; empty: from the beginning. */
    public Optional<String> cursor() throws SQLException {
        try (ResultSet rs = db.statement("SELECT cursor FROM sync_metadata WHERE id = 1").executeQuery()) {
            return Optional.ofNullable(rs.next() ? rs.getString(1) : null);
        }
    }

    public void setCursor(String cursor) throws SQLException {
        PreparedStatement statement = db.statement("UPDATE sync_metadata SET cursor = ? WHERE id = 1");
        statement.setString(1, cursor);
        statement.executeUpdate();
    }

    public Optional<Instant> lastSyncAt() throws SQLException {
        try (ResultSet rs = db.statement("SELECT last_sync_at FROM sync_metadata WHERE id = 1").executeQuery()) {
            String value = rs.next() ? rs.getString(1) : null;
            return Optional.ofNullable(value).map(Instant::parse);
        }
    }

    public void setLastSyncAt(Instant at) throws SQLException {
        PreparedStatement statement = db.statement("UPDATE sync_metadata SET last_sync_at = ? WHERE id = 1");
        statement.setString(1, at.toString());
        statement.executeUpdate();
    }

    /** The id of the last stream event whose pull completed; empty: none (the stream's first event says changed). */
    public Optional<String> lastEventId() throws SQLException {
        try (ResultSet rs = db.statement("SELECT last_event_id FROM sync_metadata WHERE id = 1").executeQuery()) {
            return Optional.ofNullable(rs.next() ? rs.getString(1) : null);
        }
    }

    public void setLastEventId(String id) throws SQLException {
        PreparedStatement statement = db.statement("UPDATE sync_metadata SET last_event_id = ? WHERE id = 1");
        statement.setString(1, id);
        statement.executeUpdate();
    }
}

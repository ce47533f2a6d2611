package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.syncd.common.SyncTable;

/**
 * {@code resync_unconfirmed}: the rows that were clean when the server answered {@code cursor_reset}, each removed
 * when the pull from the start returns its record. What is left when that pull ends, the server no longer has. Rows
 * survive a crash with the store, so an interrupted resync goes on where it stopped. The caller holds the
 * {@link Database} lock.
 */
public final class ResyncTable {
    /** A row awaiting the server's copy. */
    public record Unconfirmed(SyncTable table, String recordId) {
    }

    private final Database db;

    public ResyncTable(Database db) {
        this.db = db;
    }

    /** Adds every clean row, live or deleted (a second reset keeps the rows of the first). */
    public void addCleanRows() throws SQLException {
        for (SyncTable table : SyncTable.values()) {
            PreparedStatement statement = db.statement("INSERT OR IGNORE INTO resync_unconfirmed (table_name,"
                    + " record_id) SELECT ?, record_id FROM " + table.wireName() + " WHERE is_dirty = 0");
            statement.setString(1, table.wireName());
            statement.executeUpdate();
        }
    }

    /** A resync is under way (rows await the server's copy). */
    public boolean underWay() throws SQLException {
        try (ResultSet rs = db.statement("SELECT EXISTS (SELECT 1 FROM resync_unconfirmed)").executeQuery()) {
            return rs.getInt(1) == 1;
        }
    }

    /** The server returned the record: true if it was awaited. */
    public boolean confirm(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement =
                db.statement("DELETE FROM resync_unconfirmed WHERE table_name = ? AND record_id = ?");
        statement.setString(1, table.wireName());
        statement.setString(2, recordId);
        return statement.executeUpdate() == 1;
    }

    /** The rows the server did not return, and forgets them. */
    public List<Unconfirmed> takeRemaining() throws SQLException {
        List<Unconfirmed> remaining = new ArrayList<>();
        try (ResultSet rs = db.statement("SELECT table_name, record_id FROM resync_unconfirmed ORDER BY rowid")
                .executeQuery()) {
            while (rs.next()) {
                remaining.add(new Unconfirmed(SyncTable.fromWireName(rs.getString(1)).orElseThrow(), rs.getString(2)));
            }
        }
        db.statement("DELETE FROM resync_unconfirmed").executeUpdate();
        return remaining;
    }
}

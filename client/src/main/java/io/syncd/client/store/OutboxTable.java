package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.syncd.client.Resolution;
import io.syncd.common.SyncTable;

/**
 * The outbox: changes in send order, each with its change id persisted before it is first sent, so a re-send after a
 * crash or a lost answer carries the same id and the server decides it once. The caller holds the {@link Database}
 * lock.
 */
public final class OutboxTable {
    private static final String COLUMNS =
            "seq, change_id, table_name, record_id, op, resolution, base_version, data, sent_at, attempts";
    // The first change of each record, once its base version is known: later changes of a record wait for it.
    private static final String SENDABLE = "SELECT " + COLUMNS + " FROM outbox o WHERE base_version IS NOT NULL"
            + " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.table_name = o.table_name AND p.record_id = o.record_id"
            + " AND p.seq < o.seq) ORDER BY seq LIMIT ?";

    private final Database db;

    public OutboxTable(Database db) {
        this.db = db;
    }

    public void insert(String changeId, SyncTable table, String recordId, String op, Resolution resolution,
                       Long baseVersion, String data, Instant now) throws SQLException {
        PreparedStatement statement = db.statement("INSERT INTO outbox (change_id, table_name, record_id, op, resolution,"
                + " base_version, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        statement.setString(1, changeId);
        statement.setString(2, table.wireName());
        statement.setString(3, recordId);
        statement.setString(4, op);
        statement.setString(5, resolution == null ? null : resolution.wireName());
        if (baseVersion == null) {
            statement.setNull(6, Types.INTEGER);
        } else {
            statement.setLong(6, baseVersion);
        }
        statement.setString(7, data);
        statement.setString(8, now.toString());
        statement.executeUpdate();
    }

    /** The record's plain change that was not sent yet: the one later local edits are folded into. */
    public Optional<OutboxEntry> unsentEdit(SyncTable table, String recordId) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM outbox WHERE table_name = ? AND record_id = ? AND sent_at IS NULL"
                + " AND resolution IS NULL ORDER BY seq DESC LIMIT 1", table.wireName(), recordId);
    }

    /** The record's first change (the one to be decided next), if any. */
    public Optional<OutboxEntry> first(SyncTable table, String recordId) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM outbox WHERE table_name = ? AND record_id = ? ORDER BY seq LIMIT 1",
                table.wireName(), recordId);
    }

    public Optional<OutboxEntry> byChangeId(String changeId) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM outbox WHERE change_id = ?", changeId);
    }

    /** Folds a later local edit into an unsent change: the latest data, the original base version and change id. */
    public void coalesce(long seq, String op, String data) throws SQLException {
        PreparedStatement statement = db.statement("UPDATE outbox SET op = ?, data = ? WHERE seq = ? AND sent_at IS NULL");
        statement.setString(1, op);
        statement.setString(2, data);
        statement.setLong(3, seq);
        if (statement.executeUpdate() != 1) {
            throw new IllegalStateException("outbox change " + seq + " was sent; a sent change never changes");
        }
    }

    /** Changes ready to be sent, in send order (at most one per record). */
    public List<OutboxEntry> sendable(int limit) throws SQLException {
        PreparedStatement statement = db.statement(SENDABLE);
        statement.setInt(1, limit);
        return list(statement);
    }

    /** Marks a change as sent (first send keeps its time) and counts the attempt; committed before the request. */
    public void markSent(long seq, Instant now) throws SQLException {
        PreparedStatement statement =
                db.statement("UPDATE outbox SET sent_at = COALESCE(sent_at, ?), attempts = attempts + 1 WHERE seq = ?");
        statement.setString(1, now.toString());
        statement.setLong(2, seq);
        statement.executeUpdate();
    }

    public void setBaseVersion(long seq, long baseVersion) throws SQLException {
        PreparedStatement statement = db.statement("UPDATE outbox SET base_version = ? WHERE seq = ?");
        statement.setLong(1, baseVersion);
        statement.setLong(2, seq);
        statement.executeUpdate();
    }

    public void delete(long seq) throws SQLException {
        PreparedStatement statement = db.statement("DELETE FROM outbox WHERE seq = ?");
        statement.setLong(1, seq);
        statement.executeUpdate();
    }

    /** Drops every change of the record (its edits now live in a conflict or rejection). */
    public void deleteAll(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement = db.statement("DELETE FROM outbox WHERE table_name = ? AND record_id = ?");
        statement.setString(1, table.wireName());
        statement.setString(2, recordId);
        statement.executeUpdate();
    }

    /** Drops the record's changes not sent yet (a sent one may be decided already, so it stays); returns how many. */
    public int deleteUnsent(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement = db.statement("DELETE FROM outbox WHERE table_name = ? AND record_id = ?"
                + " AND sent_at IS NULL");
        statement.setString(1, table.wireName());
        statement.setString(2, recordId);
        return statement.executeUpdate();
    }

    public int count() throws SQLException {
        try (ResultSet rs = db.statement("SELECT count(*) FROM outbox").executeQuery()) {
            return rs.getInt(1);
        }
    }

    public List<OutboxEntry> all() throws SQLException {
        return list(db.statement("SELECT " + COLUMNS + " FROM outbox ORDER BY seq"));
    }

    private Optional<OutboxEntry> one(String sql, String... params) throws SQLException {
        PreparedStatement statement = db.statement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setString(i + 1, params[i]);
        }
        List<OutboxEntry> entries = list(statement);
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
    }

    private static List<OutboxEntry> list(PreparedStatement statement) throws SQLException {
        List<OutboxEntry> entries = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                long base = rs.getLong("base_version");
                Long baseVersion = rs.wasNull() ? null : base;
                String resolution = rs.getString("resolution");
                String sentAt = rs.getString("sent_at");
                entries.add(new OutboxEntry(rs.getLong("seq"), rs.getString("change_id"),
                        SyncTable.fromWireName(rs.getString("table_name")).orElseThrow(), rs.getString("record_id"),
                        rs.getString("op"), resolution == null ? null : Resolution.fromWireName(resolution).orElseThrow(),
                        baseVersion, rs.getString("data"), sentAt == null ? null : Instant.parse(sentAt),
                        rs.getInt("attempts")));
            }
        }
        return entries;
    }
}

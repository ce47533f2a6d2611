package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.syncd.common.SyncTable;

/**
 * Open conflicts and rejections, at most one per record: the local edit they hold is the record's local row, which
 * stays dirty until the app resolves them. The caller holds the {@link Database} lock.
 */
public final class ConflictsTable {
    private static final String COLUMNS = "change_id, table_name, record_id, status, server_record, server_version,"
            + " error_code, error_message, resolving_change_id, detected_at";

    private final Database db;

    public ConflictsTable(Database db) {
        this.db = db;
    }

    /** Opens an issue for the record, replacing the one it had (a resolution answered by a new conflict). */
    public void open(OpenIssue issue) throws SQLException {
        delete(issue.table(), issue.recordId());
        PreparedStatement statement = db.statement("INSERT INTO conflicts (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        statement.setString(1, issue.changeId());
        statement.setString(2, issue.table().wireName());
        statement.setString(3, issue.recordId());
        statement.setString(4, issue.status());
        statement.setString(5, issue.serverRecord());
        statement.setLong(6, issue.serverVersion());
        statement.setString(7, issue.errorCode());
        statement.setString(8, issue.errorMessage());
        statement.setString(9, issue.resolvingChangeId());
        statement.setString(10, issue.detectedAt().toString());
        statement.executeUpdate();
    }

    public Optional<OpenIssue> byChangeId(String changeId) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM conflicts WHERE change_id = ?", changeId);
    }

    public Optional<OpenIssue> forRecord(SyncTable table, String recordId) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM conflicts WHERE table_name = ? AND record_id = ?", table.wireName(),
                recordId);
    }

    /** Open issues of one status, oldest first. */
    public List<OpenIssue> list(String status) throws SQLException {
        PreparedStatement statement =
                db.statement("SELECT " + COLUMNS + " FROM conflicts WHERE status = ? ORDER BY detected_at, rowid");
        statement.setString(1, status);
        return list(statement);
    }

    public int count(String status) throws SQLException {
        PreparedStatement statement = db.statement("SELECT count(*) FROM conflicts WHERE status = ?");
        statement.setString(1, status);
        try (ResultSet rs = statement.executeQuery()) {
            return rs.getInt(1);
        }
    }

    public void setResolving(String changeId, String resolvingChangeId) throws SQLException {
        PreparedStatement statement = db.statement("UPDATE conflicts SET resolving_change_id = ? WHERE change_id = ?");
        statement.setString(1, resolvingChangeId);
        statement.setString(2, changeId);
        statement.executeUpdate();
    }

    /** A newer server record pulled while the conflict is open: a resolution is then based on it. */
    public void updateServerRecord(String changeId, String serverRecord, long serverVersion) throws SQLException {
        PreparedStatement statement =
                db.statement("UPDATE conflicts SET server_record = ?, server_version = ? WHERE change_id = ?");
        statement.setString(1, serverRecord);
        statement.setLong(2, serverVersion);
        statement.setString(3, changeId);
        statement.executeUpdate();
    }

    public void delete(SyncTable table, String recordId) throws SQLException {
        PreparedStatement statement = db.statement("DELETE FROM conflicts WHERE table_name = ? AND record_id = ?");
        statement.setString(1, table.wireName());
        statement.setString(2, recordId);
        statement.executeUpdate();
    }

    private Optional<OpenIssue> one(String sql, String... params) throws SQLException {
        PreparedStatement statement = db.statement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setString(i + 1, params[i]);
        }
        List<OpenIssue> issues = list(statement);
        return issues.isEmpty() ? Optional.empty() : Optional.of(issues.get(0));
    }

    private static List<OpenIssue> list(PreparedStatement statement) throws SQLException {
        List<OpenIssue> issues = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                issues.add(new OpenIssue(rs.getString("change_id"),
                        SyncTable.fromWireName(rs.getString("table_name")).orElseThrow(), rs.getString("record_id"),
                        rs.getString("status"), rs.getString("server_record"), rs.getLong("server_version"),
                        rs.getString("error_code"), rs.getString("error_message"), rs.getString("resolving_change_id"),
                        Instant.parse(rs.getString("detected_at"))));
            }
        }
        return issues;
    }
}

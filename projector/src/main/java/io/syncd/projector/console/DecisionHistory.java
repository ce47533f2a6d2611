package io.syncd.projector.console;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The console's reads of {@code sync_log}: decisions over time, refusals by table and code, an account's recent
 * decisions. Time ranges go through {@code sync_log_decided_at_brin} (V11); an account's rows through its primary
 * key. Only ids, statuses and codes are read: never a record's data, a server record or an error message (which may
 * quote data).
 */
@Component
class DecisionHistory {
    private final JdbcClient jdbc;

    DecisionHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Decisions in one time bucket, by status. */
    record Bucket(Instant at, long applied, long conflict, long rejected) {
    }

    /** Refusals (conflicts and rejections) of one table with one code ({@code none} for a plain conflict). */
    record Refusals(String table, String status, String code, long count) {
    }

    /** An account's conflicts and rejections in the window. */
    record TroubledAccount(UUID accountId, String name, long conflicts, long rejected) {
    }

    /** One decided change, as the console shows it. */
    record Decision(Instant decidedAt, UUID deviceId, String table, UUID recordId, String op, String status,
                    String code, UUID changeId) {
    }

    /** Buckets of {@code bucket} length from {@code since}, only those with decisions (the caller fills the gaps). */
    List<Bucket> buckets(Instant since, Duration bucket) {
        return jdbc.sql("""
                SELECT floor(extract(epoch FROM decided_at) / :width)::bigint AS slot,
                       count(*) FILTER (WHERE status = 'applied') AS applied,
                       count(*) FILTER (WHERE status = 'conflict') AS conflict,
                       count(*) FILTER (WHERE status = 'rejected') AS rejected
                FROM sync_log
                WHERE decided_at >= :since
                GROUP BY slot ORDER BY slot""")
                .param("width", bucket.toSeconds()).param("since", utc(since))
                .query((rs, n) -> new Bucket(Instant.ofEpochSecond(rs.getLong("slot") * bucket.toSeconds()),
                        rs.getLong("applied"), rs.getLong("conflict"), rs.getLong("rejected")))
                .list();
    }

    List<Refusals> refusals(Instant since) {
        return jdbc.sql("""
                SELECT table_name, status, coalesce(error_code, 'none') AS code, count(*) AS n
                FROM sync_log
                WHERE decided_at >= :since AND status <> 'applied'
                GROUP BY table_name, status, code ORDER BY n DESC, table_name, status, code""")
                .param("since", utc(since))
                .query((rs, n) -> new Refusals(rs.getString("table_name"), rs.getString("status"),
                        rs.getString("code"), rs.getLong("n")))
                .list();
    }

    List<TroubledAccount> mostConflicted(Instant since, int limit) {
        return jdbc.sql("""
                SELECT l.account_id, a.name, l.conflicts, l.rejected
                FROM (SELECT account_id,
                             count(*) FILTER (WHERE status = 'conflict') AS conflicts,
                             count(*) FILTER (WHERE status = 'rejected') AS rejected
                      FROM sync_log
                      WHERE decided_at >= :since AND status <> 'applied'
                      GROUP BY account_id) l
                JOIN accounts a ON a.id = l.account_id
                ORDER BY l.conflicts + l.rejected DESC, l.conflicts DESC, l.account_id
                LIMIT :limit""")
                .param("since", utc(since)).param("limit", limit)
                .query((rs, n) -> new TroubledAccount(rs.getObject("account_id", UUID.class), rs.getString("name"),
                        rs.getLong("conflicts"), rs.getLong("rejected")))
                .list();
    }

    /** The account's latest decisions, newest first. */
    List<Decision> recent(UUID accountId, int limit) {
        return jdbc.sql("""
                SELECT decided_at, device_id, table_name, record_id, op, status, error_code, change_id
                FROM sync_log WHERE account_id = :account
                ORDER BY seq DESC LIMIT :limit""")
                .param("account", accountId).param("limit", limit)
                .query((rs, n) -> new Decision(instant(rs, "decided_at"), rs.getObject("device_id", UUID.class),
                        rs.getString("table_name"), rs.getObject("record_id", UUID.class), rs.getString("op"),
                        rs.getString("status"), rs.getString("error_code"), rs.getObject("change_id", UUID.class)))
                .list();
    }

    /**
     * Records of the account that other devices wrote after {@code since} (all of them when null): what the device
     * has not pulled yet if it last synced then. The server keeps no device's cursor, so its last sync stands in.
     */
    long writtenByOthersSince(UUID accountId, UUID deviceId, Instant since) {
        return jdbc.sql("""
                SELECT count(*) FROM sync_log
                WHERE account_id = :account AND position IS NOT NULL AND device_id <> :device
                  AND decided_at > coalesce(CAST(:since AS timestamptz), '-infinity'::timestamptz)""")
                .param("account", accountId).param("device", deviceId).param("since", since == null ? null : utc(since))
                .query(Long.class).single();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}

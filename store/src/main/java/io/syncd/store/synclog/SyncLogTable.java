package io.syncd.store.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.syncd.store.sql.BinaryCopyRows;
import io.syncd.store.sql.SqlArrays;

/** The applier's SQL for {@code sync_log}: which changes are decided already, and appending decisions. */
public final class SyncLogTable {
    private static final String COLUMNS = "account_id, change_id, device_id, table_name, record_id, op, base_version,"
            + " result_version, status, error_code, error_message, data, server_record, position, cause_change_id,"
            + " kafka_topic, kafka_partition, kafka_offset, received_at, decided_at";

    /**
     * PostgreSQL advisory lock that every transaction appending to {@code sync_log} holds shared until it ends, and
     * that the statistics fold takes exclusively for an instant to learn up to which {@code seq} the log is final.
     */
    public static final long APPEND_LOCK = 0x73796e635f6c6f67L;

    public static final String ALREADY_DECIDED = "SELECT k.a, k.c FROM unnest(?::uuid[], ?::uuid[]) AS k(a, c)"
            + " CROSS JOIN LATERAL (SELECT 1 FROM sync_log WHERE account_id = k.a AND change_id = k.c LIMIT 1) s";

    public record ChangeKey(UUID accountId, UUID changeId) {
    }

    private SyncLogTable() {
    }

    /** Which of these changes have a decision; one key lookup each (see {@link RecordsTable#lockCurrent}). */
    public static Set<ChangeKey> alreadyDecided(Connection conn, Collection<ChangeKey> keys) throws SQLException {
        Set<ChangeKey> decided = new HashSet<>();
        try (PreparedStatement ps = conn.prepareStatement(ALREADY_DECIDED)) {
            SqlArrays.bindUuids(conn, ps, 1, keys.stream().map(ChangeKey::accountId).toList());
            SqlArrays.bindUuids(conn, ps, 2, keys.stream().map(ChangeKey::changeId).toList());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    decided.add(new ChangeKey(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)));
                }
            }
        }
        return decided;
    }

    /**
     * Writes one row per decision, with a binary COPY: the audit row is half of what an applied change writes. The
     * append lock is taken first and held until the transaction ends, so a reader that takes it exclusively knows that
     * every {@code seq} handed out before is committed or rolled back ({@link #APPEND_LOCK}).
     */
    public static void append(Connection conn, List<? extends SyncLogEntry> decisions, Instant decidedAt) throws SQLException {
        if (decisions.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_advisory_xact_lock_shared(?)")) {
            ps.setLong(1, APPEND_LOCK);
            ps.execute();
        }
        try (BinaryCopyRows rows = new BinaryCopyRows(conn, "sync_log", COLUMNS)) {
            for (SyncLogEntry d : decisions) {
                rows.row().uuid(d.accountId()).uuid(d.changeId()).uuid(d.deviceId()).text(d.table().wireName())
                        .uuid(d.recordId()).text(d.op().wireName()).int8(d.baseVersion()).int8(d.resultVersion())
                        .text(d.status().wireName()).text(d.errorCode()).text(d.errorMessage()).text(d.data())
                        .text(d.serverRecord()).int8(d.position()).uuid(d.causeChangeId()).text(d.topic())
                        .int4(d.partition()).int8(d.offset()).timestamptz(d.receivedAt()).timestamptz(decidedAt);
            }
            rows.finish();
        }
    }
}

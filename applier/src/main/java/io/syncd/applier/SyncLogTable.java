package io.syncd.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** The applier's SQL for {@code sync_log}: which changes are decided already, and appending decisions. */
final class SyncLogTable {
    record ChangeKey(UUID accountId, UUID changeId) {
    }

    private SyncLogTable() {
    }

    static Set<ChangeKey> alreadyDecided(Connection conn, Collection<ChangeKey> keys) throws SQLException {
        String sql = "SELECT account_id, change_id FROM sync_log"
                + " WHERE (account_id, change_id) IN (SELECT a::uuid, c::uuid FROM unnest(?::text[], ?::text[]) AS k(a, c))";
        Set<ChangeKey> decided = new HashSet<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            SqlArrays.bindText(conn, ps, 1, keys.stream().map(k -> k.accountId().toString()).toList());
            SqlArrays.bindText(conn, ps, 2, keys.stream().map(k -> k.changeId().toString()).toList());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    decided.add(new ChangeKey(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)));
                }
            }
        }
        return decided;
    }

    static void append(Connection conn, List<Decision> decisions, Instant decidedAt) throws SQLException {
        if (decisions.isEmpty()) {
            return;
        }
        String sql = """
                INSERT INTO sync_log (account_id, change_id, device_id, table_name, record_id, op, base_version,
                    result_version, status, error_code, error_message, data, server_record, position, cause_change_id,
                    kafka_topic, kafka_partition, kafka_offset, received_at, decided_at)
                SELECT a::uuid, c::uuid, d::uuid, t, r::uuid, o, bv::bigint, rv::bigint, s, ec, em, dt, sr, p::bigint,
                    cc::uuid, kt, kp::integer, ko::bigint, ra::timestamptz, ?::timestamptz
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                    ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                    ?::text[], ?::text[])
                    AS u(a, c, d, t, r, o, bv, rv, s, ec, em, dt, sr, p, cc, kt, kp, ko, ra)
                """;
        List<Function<Decision, Object>> columns = List.of(
                Decision::accountId, Decision::changeId, Decision::deviceId, d -> d.table().wireName(),
                Decision::recordId, d -> d.op().wireName(), Decision::baseVersion, Decision::resultVersion,
                d -> d.status().wireName(), Decision::errorCode, Decision::errorMessage, Decision::data,
                Decision::serverRecord, Decision::position, Decision::causeChangeId, Decision::topic,
                Decision::partition, Decision::offset, Decision::receivedAt);
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, decidedAt.toString());
            for (int c = 0; c < columns.size(); c++) {
                List<String> values = new ArrayList<>(decisions.size());
                for (Decision d : decisions) {
                    Object value = columns.get(c).apply(d);
                    values.add(value == null ? null : value.toString());
                }
                SqlArrays.bindText(conn, ps, c + 2, values);
            }
            ps.executeUpdate();
        }
    }
}

package io.syncd.store.accounts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.sql.SqlArrays;

/** The applier's SQL for {@code accounts}: the per-account change sequence that orders pulls, and the decided signal. */
public final class AccountSequences {
    /** Key lookups in id order, whatever plan is cached (see RecordsTable#lockCurrent): a nested loop keeps its outer order. */
    public static final String LOCK_SEQUENCES = "SELECT a.id, a.change_seq FROM (SELECT DISTINCT unnest(?::uuid[]) AS id"
            + " ORDER BY 1) k CROSS JOIN LATERAL (SELECT id, change_seq FROM accounts WHERE id = k.id FOR UPDATE) a";

    private AccountSequences() {
    }

    /**
     * Locks the accounts' rows in id order and returns their change sequences. Holding these locks until commit
     * serializes each account's apply transactions across all appliers: positions are handed out in commit order
     * (guarantee 4), and two transactions never deadlock on one account's rows.
     */
    public static Map<UUID, Long> lockSequences(Connection conn, Collection<UUID> accountIds) throws SQLException {
        Map<UUID, Long> sequences = new HashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(LOCK_SEQUENCES)) {
            SqlArrays.bindUuids(conn, ps, 1, List.copyOf(accountIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sequences.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
        }
        return sequences;
    }

    /** One primary-key update per account, sent together: the rows are locked by {@link #lockSequences}. */
    public static void storeSequences(Connection conn, Map<UUID, Long> sequences) throws SQLException {
        if (sequences.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement("UPDATE accounts SET change_seq = ? WHERE id = ?")) {
            for (Map.Entry<UUID, Long> sequence : sequences.entrySet()) {
                ps.setLong(1, sequence.getValue());
                ps.setObject(2, sequence.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Queues the transaction's signals (delivered on commit): its decisions per account, for waiting pushes. */
    public static void notifyDecided(Connection conn, Collection<DecidedSignal> signals) throws SQLException {
        for (String payload : DecidedSignal.encode(signals)) {
            notify(conn, payload);
        }
    }

    private static void notify(Connection conn, String payload) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, DecidedSignal.CHANNEL);
            ps.setString(2, payload);
            ps.execute();
        }
    }
}

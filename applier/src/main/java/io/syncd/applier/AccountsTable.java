package io.syncd.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.syncd.common.DecidedSignal;
import io.syncd.common.Topics;

/** The applier's SQL for {@code accounts}: the per-account change sequence that orders pulls, and the decided signal. */
final class AccountsTable {
    private AccountsTable() {
    }

    /**
     * Locks the accounts' rows in id order and returns their change sequences. Holding these locks until commit
     * serializes each account's apply transactions across all appliers: positions are handed out in commit order
     * (guarantee 4), and two transactions never deadlock on one account's rows.
     */
    static Map<UUID, Long> lockSequences(Connection conn, Collection<UUID> accountIds) throws SQLException {
        String sql = "SELECT id, change_seq FROM accounts WHERE id IN (SELECT unnest(?::text[])::uuid) ORDER BY id FOR UPDATE";
        Map<UUID, Long> sequences = new HashMap<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            SqlArrays.bindText(conn, ps, 1, accountIds.stream().map(UUID::toString).toList());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sequences.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
        }
        return sequences;
    }

    static void storeSequences(Connection conn, Map<UUID, Long> sequences) throws SQLException {
        if (sequences.isEmpty()) {
            return;
        }
        String sql = "UPDATE accounts a SET change_seq = u.seq::bigint FROM unnest(?::text[], ?::text[]) AS u(id, seq)"
                + " WHERE a.id = u.id::uuid";
        List<String> ids = new ArrayList<>();
        List<String> seqs = new ArrayList<>();
        sequences.forEach((id, seq) -> {
            ids.add(id.toString());
            seqs.add(seq.toString());
        });
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            SqlArrays.bindText(conn, ps, 1, ids);
            SqlArrays.bindText(conn, ps, 2, seqs);
            ps.executeUpdate();
        }
    }

    /** Queues the transaction's signals (delivered on commit): its decisions per account, for waiting pushes. */
    static void notifyDecided(Connection conn, Collection<DecidedSignal> signals) throws SQLException {
        for (String payload : DecidedSignal.encode(signals)) {
            notify(conn, payload);
        }
    }

    private static void notify(Connection conn, String payload) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, Topics.DECIDED_CHANNEL);
            ps.setString(2, payload);
            ps.execute();
        }
    }
}

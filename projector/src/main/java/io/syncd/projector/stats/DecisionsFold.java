package io.syncd.projector.stats;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Folds newly decided changes from {@code sync_log} into {@code stats_decisions}, by {@code seq}, with the cursor
 * moved in the same transaction.
 *
 * <p>{@code seq} is taken from a sequence when a row is inserted, not when it commits: a transaction holding seq 7
 * can commit after one holding seq 8, so "everything up to the highest committed seq" could skip 7 forever. The high
 * water mark is therefore read under {@code LOCK TABLE sync_log IN SHARE MODE}, in a transaction of its own: SHARE
 * conflicts with the ROW EXCLUSIVE lock every inserting transaction holds from its INSERT (where {@code nextval}
 * runs) until it ends, so once it is granted no seq handed out so far belongs to a transaction still in flight,
 * and every later insert takes a higher one. Every seq up to the sequence's last value is then committed or
 * rolled back for good. The lock waits only for inserts in flight (an applier commits right after its INSERT) and
 * is held for one read of the sequence.
 */
final class DecisionsFold {
    private static final Logger log = LoggerFactory.getLogger(DecisionsFold.class);
    /** Seqs folded per transaction, so a first fold over a long history commits as it goes. */
    private static final long CHUNK = 200_000;

    private final JdbcClient jdbc;
    private final StatsTransactions transactions;

    DecisionsFold(JdbcClient jdbc, StatsTransactions transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Folds every decision committed so far; returns how many seqs the cursor moved. */
    long fold() {
        long highWater = transactions.run(() -> {
            jdbc.sql("LOCK TABLE sync_log IN SHARE MODE").update();
            return jdbc.sql("SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('sync_log', 'seq')::regclass), 0)")
                    .query(Long.class).single();
        });
        long moved = 0;
        while (true) {
            Long step = transactions.run(() -> foldChunk(highWater));
            if (step == null || step == 0) {
                return moved;
            }
            moved += step;
        }
    }

    /** One transaction: the next chunk up to the high water mark, and the cursor; 0 when there is nothing to fold. */
    private long foldChunk(long highWater) {
        long from = jdbc.sql("SELECT position FROM stats_cursors WHERE source = 'sync_log' AND part = 0 FOR UPDATE")
                .query(Long.class).single();
        if (from >= highWater) {
            return 0;
        }
        long to = Math.min(highWater, from + CHUNK);
        int rows = jdbc.sql("""
                        INSERT INTO stats_decisions AS s (account_id, device_id, table_name, applied, cascaded, conflicts,
                            rejected, last_decided_at)
                        SELECT account_id, device_id, table_name,
                            count(*) FILTER (WHERE status = 'applied' AND cause_change_id IS NULL),
                            count(*) FILTER (WHERE status = 'applied' AND cause_change_id IS NOT NULL),
                            count(*) FILTER (WHERE status = 'conflict'),
                            count(*) FILTER (WHERE status = 'rejected'),
                            max(decided_at)
                        FROM sync_log WHERE seq > :from AND seq <= :to
                        GROUP BY account_id, device_id, table_name
                        ON CONFLICT (account_id, device_id, table_name) DO UPDATE SET
                            applied = s.applied + EXCLUDED.applied,
                            cascaded = s.cascaded + EXCLUDED.cascaded,
                            conflicts = s.conflicts + EXCLUDED.conflicts,
                            rejected = s.rejected + EXCLUDED.rejected,
                            last_decided_at = greatest(s.last_decided_at, EXCLUDED.last_decided_at)
                        """)
                .param("from", from).param("to", to).update();
        jdbc.sql("UPDATE stats_cursors SET position = :to WHERE source = 'sync_log' AND part = 0").param("to", to).update();
        if (to - from >= CHUNK) {
            log.info("Statistics folded sync_log up to seq {} of {}", to, highWater);
        }
        log.debug("Statistics folded sync_log seq {}..{} into {} rows", from + 1, to, rows);
        return to - from;
    }
}

package io.syncd.projector.stats;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.store.synclog.SyncLogTable;

/**
 * Folds newly decided changes from {@code sync_log} into {@code stats_decisions}, by {@code seq}, with the cursor
 * moved in the same transaction.
 *
 * <p>{@code seq} is taken from a sequence when a row is inserted, not when it commits: a transaction holding seq 7
 * can commit after one holding seq 8, so "everything up to the highest committed seq" could skip 7 forever. Every
 * transaction that appends to {@code sync_log} therefore holds {@link SyncLogTable#APPEND_LOCK} shared from before
 * its first {@code nextval} until it ends, and the high water mark is read under that lock taken exclusively, in a
 * transaction of its own: once it is granted, no seq handed out so far belongs to a transaction still in flight, and
 * every later append takes a higher one. The lock waits only for appends in flight (an applier commits right after
 * its COPY) and is held for one read of the sequence. It is an advisory lock rather than a table lock because every
 * table lock that excludes inserts also excludes autovacuum: waiting for a vacuum of {@code sync_log} held up the
 * appliers' inserts queued behind it, and after a second PostgreSQL cancelled the vacuum.
 *
 * <p>The fold reads a seq range through a BRIN index. A page range the index has no summary of matches every query,
 * and autovacuum summarizes ranges only when it vacuums the table (after a fifth of it was inserted), so each fold
 * first summarizes the ranges filled since: without it, every fold read the whole tail of the log since the last
 * vacuum (72,000 pages a fold, a fifth of a core, at 1.9 million rows in the benchmark).
 */
final class DecisionsFold {
    private static final Logger log = LoggerFactory.getLogger(DecisionsFold.class);
    /** Seqs folded per transaction, so a first fold over a long history commits as it goes. */
    private static final long CHUNK = 200_000;
    /** Below PostgreSQL's deadlock_timeout (1 s), after which a waiting lock cancels autovacuum. */
    private static final Duration SUMMARIZE_LOCK_TIMEOUT = Duration.ofMillis(100);
    /** SQLSTATE of a lock_timeout that expired. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final JdbcClient jdbc;
    private final StatsTransactions transactions;

    DecisionsFold(JdbcClient jdbc, StatsTransactions transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Folds every decision committed so far; returns how many seqs the cursor moved. */
    long fold() {
        summarizeNewRanges();
        long highWater = transactions.run(() -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(:key)").param("key", SyncLogTable.APPEND_LOCK).query().singleRow();
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

    /**
     * Summarizes the page ranges of {@code sync_log} that have no BRIN summary yet. It needs the lock a vacuum holds:
     * rather than wait for a vacuum in progress (which summarizes them itself), and past {@code deadlock_timeout}
     * cancel it, it leaves them to the vacuum (skipped when PostgreSQL shows the vacuum, else given up after a moment,
     * which PostgreSQL logs as an error), and the fold reads those ranges whole this time.
     */
    private void summarizeNewRanges() {
        try {
            Optional<Integer> summarized = transactions.run(() -> {
                jdbc.sql("SET LOCAL lock_timeout = '" + SUMMARIZE_LOCK_TIMEOUT.toMillis() + "ms'").update();
                return jdbc.sql("SELECT brin_summarize_new_values('sync_log_seq_brin'::regclass) WHERE NOT EXISTS"
                        + " (SELECT 1 FROM pg_stat_progress_vacuum WHERE relid = 'sync_log'::regclass)")
                        .query(Integer.class).optional();
            });
            log.debug("Statistics summarized {} new page ranges of sync_log", summarized.orElse(0));
        } catch (DataAccessException e) {
            if (!(e.getMostSpecificCause() instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState()))) {
                throw e;
            }
            log.debug("sync_log is being vacuumed; its new page ranges are summarized by the vacuum or the next fold");
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
                            rejected, use_server, last_decided_at)
                        SELECT account_id, device_id, table_name,
                            count(*) FILTER (WHERE status = 'applied' AND cause_change_id IS NULL AND op <> 'use_server'),
                            count(*) FILTER (WHERE status = 'applied' AND cause_change_id IS NOT NULL),
                            count(*) FILTER (WHERE status = 'conflict'),
                            count(*) FILTER (WHERE status = 'rejected'),
                            count(*) FILTER (WHERE status = 'applied' AND op = 'use_server'),
                            max(decided_at)
                        FROM sync_log WHERE seq > :from AND seq <= :to
                        GROUP BY account_id, device_id, table_name
                        ON CONFLICT (account_id, device_id, table_name) DO UPDATE SET
                            applied = s.applied + EXCLUDED.applied,
                            cascaded = s.cascaded + EXCLUDED.cascaded,
                            conflicts = s.conflicts + EXCLUDED.conflicts,
                            rejected = s.rejected + EXCLUDED.rejected,
                            use_server = s.use_server + EXCLUDED.use_server,
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

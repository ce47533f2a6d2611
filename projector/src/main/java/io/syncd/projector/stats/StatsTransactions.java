package io.syncd.projector.stats;

import java.util.function.Supplier;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The statistics' transactions, committed without waiting for the WAL flush: they would otherwise queue their own
 * disk flushes beside the applier's on every push. Safe because each one moves its counts and its cursor together:
 * a crash loses both, and the fold takes the same changes again from {@code sync_log} or Kafka.
 */
final class StatsTransactions {
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    StatsTransactions(JdbcClient jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    <T> T run(Supplier<T> work) {
        return transactions.execute(status -> {
            jdbc.sql("SET LOCAL synchronous_commit TO off").update();
            return work.get();
        });
    }
}

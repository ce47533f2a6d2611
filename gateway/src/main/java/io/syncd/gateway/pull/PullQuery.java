package io.syncd.gateway.pull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;

/**
 * The pull's SQL: per table, the account's rows past the cursor in position order, all read in one REPEATABLE READ
 * snapshot so the pages of different tables agree. Positions are handed out in commit order under the account's
 * row lock, so a snapshot holds every position up to the account's committed sequence and none above it.
 */
@Repository
class PullQuery {
    private final JdbcClient jdbc;
    private final TransactionTemplate snapshot;

    PullQuery(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    /** The page, and the chain start for a new chain. */
    record Page(List<SyncedRecord> records, boolean hasMore, long chainStart) {
    }

    Page read(UUID accountId, PullRequest request) {
        return snapshot.execute(status -> {
            long after = request.cursor() == null ? 0 : request.cursor().position();
            long chainStart = request.cursor() == null
                    ? jdbc.sql("SELECT change_seq FROM accounts WHERE id = :id").param("id", accountId).query(Long.class).single()
                    : request.cursor().chainStart();
            List<SyncedRecord> rows = new ArrayList<>();
            for (SyncTable table : request.tables()) {
                rows.addAll(readTable(table, accountId, after, chainStart, request.limit() + 1));
            }
            rows.sort(Comparator.comparingLong(SyncedRecord::position));
            boolean hasMore = rows.size() > request.limit();
            return new Page(hasMore ? rows.subList(0, request.limit()) : rows, hasMore, chainStart);
        });
    }

    private List<SyncedRecord> readTable(SyncTable table, UUID accountId, long after, long chainStart, int limit) {
        // Tombstones at or below the chain start were deleted before the chain began: a new device never had them.
        String sql = "SELECT " + SyncedRecord.columns(table) + " FROM " + table.wireName()
                + " WHERE account_id = :account AND position > :after AND (NOT is_deleted OR position > :chainStart)"
                + " ORDER BY position LIMIT :limit";
        return jdbc.sql(sql)
                .param("account", accountId).param("after", after).param("chainStart", chainStart).param("limit", limit)
                .query((rs, n) -> SyncedRecord.read(table, rs))
                .list();
    }
}

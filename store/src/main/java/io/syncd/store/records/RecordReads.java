package io.syncd.store.records;

import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;

/**
 * Reads of the four synced tables outside the applier's transaction (the applier's are {@link RecordsTable}): an
 * account's rows past a position for a pull, its live rows for an export, and whether it holds any. Inside a
 * transaction, pgjdbc reads a result with a fetch size through a cursor, a batch at a time, so an account larger than
 * memory streams.
 */
public class RecordReads {
    private final JdbcClient jdbc;

    /** @param fetchSize rows fetched per round trip inside a transaction */
    public RecordReads(DataSource dataSource, int fetchSize) {
        JdbcTemplate template = new JdbcTemplate(dataSource);
        template.setFetchSize(fetchSize);
        this.jdbc = JdbcClient.create(template);
    }

    /**
     * The account's rows with a position past {@code after}, in position order, at most {@code limit}; tombstones at
     * or below {@code chainStart} were deleted before the device's chain began and are left out. Close the stream.
     */
    public Stream<SyncedRecord> since(SyncTable table, UUID accountId, long after, long chainStart, int limit) {
        String sql = "SELECT " + SyncedRecord.columns(table) + " FROM " + table.wireName()
                + " WHERE account_id = :account AND position > :after AND (NOT is_deleted OR position > :chainStart)"
                + " ORDER BY position LIMIT :limit";
        return jdbc.sql(sql)
                .param("account", accountId).param("after", after).param("chainStart", chainStart).param("limit", limit)
                .query((rs, n) -> SyncedRecord.read(table, rs))
                .stream();
    }

    /** Whether {@link #since} would return any row of these tables (one index probe each). */
    public boolean anySince(Set<SyncTable> tables, UUID accountId, long after, long chainStart) {
        StringBuilder sql = new StringBuilder("SELECT ");
        boolean first = true;
        for (SyncTable table : tables) {
            sql.append(first ? "" : " OR ").append("EXISTS (SELECT 1 FROM ").append(table.wireName())
                    .append(" WHERE account_id = :account AND position > :after")
                    .append(" AND (NOT is_deleted OR position > :chainStart))");
            first = false;
        }
        return jdbc.sql(sql.toString()).param("account", accountId).param("after", after)
                .param("chainStart", chainStart).query(Boolean.class).single();
    }

    /** Hands each live row of the account to {@code each}, in position order. */
    public void forEachLive(SyncTable table, UUID accountId, Consumer<SyncedRecord> each) {
        jdbc.sql("SELECT " + SyncedRecord.columns(table) + " FROM " + table.wireName()
                        + " WHERE account_id = :account AND NOT is_deleted ORDER BY position")
                .param("account", accountId)
                .query(rs -> {
                    each.accept(SyncedRecord.read(table, rs));
                });
    }

    /** Whether the account holds any row, live or deleted, in any synced table. */
    public boolean anyIn(UUID accountId) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (SyncTable table : SyncTable.values()) {
            sql.append(table.ordinal() == 0 ? "" : " OR ").append("EXISTS (SELECT 1 FROM ").append(table.wireName())
                    .append(" WHERE account_id = :id)");
        }
        return jdbc.sql(sql.toString()).param("id", accountId).query(Boolean.class).single();
    }
}

package io.syncd.store.records;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final ConcurrentMap<Integer, JdbcClient> byFetchSize = new ConcurrentHashMap<>();

    /** @param fetchSize rows fetched per round trip inside a transaction */
    public RecordReads(DataSource dataSource, int fetchSize) {
        this.dataSource = dataSource;
        this.jdbc = withFetchSize(fetchSize);
    }

    private JdbcClient withFetchSize(int fetchSize) {
        return byFetchSize.computeIfAbsent(fetchSize, size -> {
            JdbcTemplate template = new JdbcTemplate(dataSource);
            template.setFetchSize(size);
            return JdbcClient.create(template);
        });
    }

    /**
     * The account's rows with a position past {@code after}, in position order, at most {@code limit}; tombstones at
     * or below {@code chainStart} were deleted before the device's chain began and are left out. Close the stream.
     */
    public Stream<SyncedRecord> since(SyncTable table, UUID accountId, long after, long chainStart, int limit) {
        return range(table, accountId, BookFilter.EVERY_BOOK, new Range(after, Long.MAX_VALUE, chainStart), limit, 0);
    }

    /**
     * Positions {@code after} < p <= {@code upTo}; tombstones only above {@code tombstonesAfter} (at or below it they
     * were deleted before the reader's chain began; {@link Long#MAX_VALUE} for live rows only).
     */
    public record Range(long after, long upTo, long tombstonesAfter) {
    }

    /**
     * The account's rows of {@code books} in {@code range}, in position order, at most {@code limit}. A filter naming
     * one book reads a range of the (account, book, position) index, already in order; the caller merges such reads
     * when a device syncs a few books, so none reads the other books' rows. Close the stream.
     *
     * @param fetchSize rows per round trip; 0 for this reader's own (a caller merging many reads asks for fewer each,
     *        so that what they hold at once stays what one read would)
     */
    public Stream<SyncedRecord> range(SyncTable table, UUID accountId, BookFilter books, Range range, int limit,
                                      int fetchSize) {
        StringBuilder sql = new StringBuilder("SELECT ").append(SyncedRecord.columns(table)).append(" FROM ")
                .append(table.wireName()).append(" WHERE account_id = :account");
        appendBooks(sql, table, books);
        sql.append(" AND position > :after AND position <= :upTo AND (NOT is_deleted OR position > :tombstonesAfter)")
                .append(" ORDER BY position LIMIT :limit");
        JdbcClient client = fetchSize > 0 ? withFetchSize(fetchSize) : jdbc;
        return params(client.sql(sql.toString()), accountId, table, books, range).param("limit", limit)
                .query((rs, n) -> SyncedRecord.read(table, rs))
                .stream();
    }

    /** Whether {@link #range} would return any row (one index probe). */
    public boolean anyIn(SyncTable table, UUID accountId, BookFilter books, Range range) {
        StringBuilder sql = new StringBuilder("SELECT EXISTS (SELECT 1 FROM ").append(table.wireName())
                .append(" WHERE account_id = :account");
        appendBooks(sql, table, books);
        sql.append(" AND position > :after AND position <= :upTo AND (NOT is_deleted OR position > :tombstonesAfter))");
        return params(jdbc.sql(sql.toString()), accountId, table, books, range).query(Boolean.class).single();
    }

    /** Whether the table's rows belong to a book: every synced table but {@code books} (a note keeps its event's). */
    public static boolean filtersByBook(SyncTable table) {
        return table != SyncTable.BOOKS;
    }

    private static boolean oneBook(SyncTable table, BookFilter books) {
        return filtersByBook(table) && !books.excluding() && books.books().size() == 1;
    }

    private static void appendBooks(StringBuilder sql, SyncTable table, BookFilter books) {
        if (!filtersByBook(table) || books.everyBook()) {
            return;
        }
        if (oneBook(table, books)) {
            sql.append(" AND book_id = :book");
        } else {
            sql.append(books.excluding() ? " AND NOT (book_id = ANY (:books))" : " AND book_id = ANY (:books)");
        }
    }

    private static JdbcClient.StatementSpec params(JdbcClient.StatementSpec statement, UUID accountId,
                                                   SyncTable table, BookFilter books, Range range) {
        statement = statement.param("account", accountId).param("after", range.after()).param("upTo", range.upTo())
                .param("tombstonesAfter", range.tombstonesAfter());
        if (!filtersByBook(table) || books.everyBook()) {
            return statement;
        }
        if (oneBook(table, books)) {
            return statement.param("book", books.books().iterator().next());
        }
        return statement.param("books", books.books().toArray(UUID[]::new));
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

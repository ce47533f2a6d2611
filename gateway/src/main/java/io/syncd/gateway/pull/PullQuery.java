package io.syncd.gateway.pull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
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
 *
 * <p>A page is streamed, never held: each table is read through a cursor of {@link #FETCH_SIZE} rows, the tables are
 * merged by position, and each record goes to the caller (who writes it to the response) as it is read. A page of
 * 5,000 notes with handwriting is some 25 MB of JSON; the database, the encoding, the compression and the device
 * then work on it side by side instead of one after the other, and the heap holds a few rows per table.
 */
@Repository
class PullQuery {
    /** Rows fetched per round trip from each table's cursor. */
    static final int FETCH_SIZE = 250;

    private final JdbcClient jdbc;
    private final TransactionTemplate snapshot;

    PullQuery(DataSource dataSource, PlatformTransactionManager transactions) {
        JdbcTemplate template = new JdbcTemplate(dataSource);
        // Inside a transaction, pgjdbc reads a result with a fetch size through a cursor, a batch at a time.
        template.setFetchSize(FETCH_SIZE);
        this.jdbc = JdbcClient.create(template);
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    /**
     * What a page held.
     *
     * @param records how many records it streamed
     * @param lastPosition the position of its last record (the cursor's, when it streamed none)
     * @param chainStart the account's sequence when the chain began
     */
    record Page(int records, long lastPosition, boolean hasMore, long chainStart) {
    }

    /** The current row of one table's stream, and the rest of it. */
    private record Head(SyncedRecord record, Iterator<SyncedRecord> rest) {
    }

    /**
     * Streams the page to {@code sink} in position order. The first query runs before the first record is handed
     * out, so an unreachable database fails the request before anything of it is written.
     */
    Page stream(UUID accountId, PullRequest request, Consumer<SyncedRecord> sink) {
        return snapshot.execute(status -> {
            long after = request.cursor() == null ? 0 : request.cursor().position();
            long chainStart = request.cursor() == null
                    ? jdbc.sql("SELECT change_seq FROM accounts WHERE id = :id").param("id", accountId).query(Long.class).single()
                    : request.cursor().chainStart();
            List<Stream<SyncedRecord>> streams = new ArrayList<>();
            try {
                PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparingLong(h -> h.record().position()));
                for (SyncTable table : request.tables()) {
                    Stream<SyncedRecord> rows = readTable(table, accountId, after, chainStart, request.limit() + 1);
                    streams.add(rows);
                    Iterator<SyncedRecord> iterator = rows.iterator();
                    if (iterator.hasNext()) {
                        heads.add(new Head(iterator.next(), iterator));
                    }
                }
                int records = 0;
                long last = after;
                while (records < request.limit() && !heads.isEmpty()) {
                    Head head = heads.poll();
                    sink.accept(head.record());
                    records++;
                    last = head.record().position();
                    if (head.rest().hasNext()) {
                        heads.add(new Head(head.rest().next(), head.rest()));
                    }
                }
                return new Page(records, last, !heads.isEmpty(), chainStart);
            } finally {
                streams.forEach(Stream::close);
            }
        });
    }

    private Stream<SyncedRecord> readTable(SyncTable table, UUID accountId, long after, long chainStart, int limit) {
        // Tombstones at or below the chain start were deleted before the chain began: a new device never had them.
        String sql = "SELECT " + SyncedRecord.columns(table) + " FROM " + table.wireName()
                + " WHERE account_id = :account AND position > :after AND (NOT is_deleted OR position > :chainStart)"
                + " ORDER BY position LIMIT :limit";
        return jdbc.sql(sql)
                .param("account", accountId).param("after", after).param("chainStart", chainStart).param("limit", limit)
                .query((rs, n) -> SyncedRecord.read(table, rs))
                .stream();
    }
}

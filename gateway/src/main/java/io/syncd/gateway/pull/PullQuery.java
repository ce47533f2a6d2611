package io.syncd.gateway.pull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.records.RecordReads;

/**
 * The pull's reads: per table, the account's rows past the cursor in position order, all read in one REPEATABLE READ
 * snapshot so the pages of different tables agree. Positions are handed out in commit order under the account's
 * row lock, so a snapshot holds every position up to the account's committed sequence and none above it.
 *
 * <p>A page is streamed, never held: each table is read through a cursor of {@link #FETCH_SIZE} rows, the tables are
 * merged by position, and each record goes to the caller (who writes it to the response) a few fetches after it is
 * read. A page of 5,000 notes with handwriting is some 25 MB of JSON; the database, the encoding, the compression
 * and the device then work on it side by side instead of one after the other, and the heap holds
 * {@link #READ_AHEAD} records and a few rows per table.
 */
@Repository
class PullQuery implements DisposableBean {
    /** Rows fetched per round trip from each table's cursor. */
    static final int FETCH_SIZE = 250;
    /** Records the reader may be ahead of the writer: two fetches, some 2.5 MB of notes with handwriting. */
    static final int READ_AHEAD = 2 * FETCH_SIZE;
    private static final long READER_STOP_SECONDS = 10;
    private static final Logger log = LoggerFactory.getLogger(PullQuery.class);

    private final RecordReads reads;
    private final AccountsTable accounts;
    private final TransactionTemplate snapshot;
    private final ExecutorService readers = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "pull-reader-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    PullQuery(DataSource dataSource, PlatformTransactionManager transactions) {
        this.reads = new RecordReads(dataSource, FETCH_SIZE);
        this.accounts = new AccountsTable(JdbcClient.create(dataSource));
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

    AccountsTable.PullOrigin origin(UUID accountId) {
        return accounts.pullOrigin(accountId);
    }

    /** Whether the page would hold any record: what a held pull waits for. */
    boolean anyChanges(UUID accountId, VerifiedPull pull) {
        PullCursor cursor = pull.cursor();
        long after = cursor == null ? 0 : cursor.position();
        long chainStart = cursor == null ? pull.origin().changeSeq() : cursor.chainStart();
        return reads.anySince(pull.request().tables(), accountId, after, chainStart);
    }

    /** The current row of one table's stream, and the rest of it. */
    private record Head(SyncedRecord record, Iterator<SyncedRecord> rest) {
    }

    /**
     * Streams the page to {@code sink} (on the calling thread) in position order. The first query runs before the
     * first record is handed out, so an unreachable database fails the request before anything of it is written.
     *
     * <p>The page is read on a reader thread, at most {@link #READ_AHEAD} records ahead of {@code sink}: PostgreSQL
     * then produces the next rows while the last ones are written, instead of each waiting on the other (a page of
     * 5,000 notes is ~120 ms of PostgreSQL and ~100 ms of writing).
     */
    Page stream(UUID accountId, VerifiedPull request, Consumer<SyncedRecord> sink) {
        RecordHandoff handoff = new RecordHandoff(READ_AHEAD);
        Future<Page> reading = readers.submit(() -> {
            try {
                Page page = read(accountId, request, handoff::put);
                handoff.end(null);
                return page;
            } catch (RuntimeException | Error e) {
                handoff.end(e);
                throw e;
            }
        });
        boolean written = false;
        try {
            for (SyncedRecord record = handoff.take(); record != null; record = handoff.take()) {
                sink.accept(record);
            }
            written = true;
            return reading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a pull page", e);
        } catch (ExecutionException e) {
            // Not expected: a failed reader ends the handoff with its failure, which take() has rethrown already.
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } finally {
            if (!written) {
                // The writing failed (the device went away): stop the reader, and hold the request until it has let
                // its connection go.
                handoff.cancel();
                awaitReader(reading);
            }
        }
    }

    private static void awaitReader(Future<Page> reading) {
        try {
            reading.get(READER_STOP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Its failure is the one the caller has (or the cancellation it was told of).
        } catch (TimeoutException e) {
            log.warn("a pull page's reader did not stop within {} s of its writer; it stops at its next record",
                    READER_STOP_SECONDS);
        }
    }

    @Override
    public void destroy() {
        readers.shutdownNow();
    }

    private Page read(UUID accountId, VerifiedPull pull, Consumer<SyncedRecord> sink) {
        PullRequest request = pull.request();
        PullCursor cursor = pull.cursor();
        return snapshot.execute(status -> {
            long after = cursor == null ? 0 : cursor.position();
            long chainStart = cursor == null
                    ? accounts.changeSequence(accountId)
                    : cursor.chainStart();
            List<Stream<SyncedRecord>> streams = new ArrayList<>();
            try {
                PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparingLong(h -> h.record().position()));
                for (SyncTable table : request.tables()) {
                    Stream<SyncedRecord> rows = reads.since(table, accountId, after, chainStart, request.limit() + 1);
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
}

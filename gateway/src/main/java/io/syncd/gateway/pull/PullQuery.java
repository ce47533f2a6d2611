package io.syncd.gateway.pull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
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
import java.util.function.Function;
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
import io.syncd.store.records.BookFilter;
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
    /** Rows fetched per round trip from each table's cursor; a page merging more reads fetches fewer rows each. */
    static final int FETCH_SIZE = 250;
    private static final int MIN_FETCH_SIZE = 16;
    /** Up to this many books, a table is read one book at a time (see {@link #split}). */
    private static final int MAX_READS_PER_TABLE = 32;
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
     * @param lastPosition where the next page's chain goes on from: the position of its last record of the chain
     *        (the cursor's, when it streamed none, or only backfill)
     * @param chainStart the account's sequence when the chain began
     * @param selection the books the next page syncs, and where their backfill stands
     */
    record Page(int records, long lastPosition, boolean hasMore, long chainStart, BookSelection selection) {
    }

    AccountsTable.PullOrigin origin(UUID accountId) {
        return accounts.pullOrigin(accountId);
    }

    /** Whether the page would hold any record: what a held pull waits for. */
    boolean anyChanges(UUID accountId, VerifiedPull pull) {
        PullCursor cursor = pull.cursor();
        long position = cursor == null ? 0 : cursor.position();
        long chainStart = cursor == null ? pull.origin().changeSeq() : cursor.chainStart();
        Set<SyncTable> tables = pull.request().tables();
        List<Read> plan = new ArrayList<>(chainReads(tables, pull.selection(), position, chainStart));
        plan.addAll(backfillReads(tables, pull.selection(), position));
        return plan.stream().anyMatch(read -> reads.anyIn(read.table(), accountId, read.books(), read.range()));
    }

    /** The current row of one table's stream, and the rest of it. */
    private record Head(SyncedRecord record, Iterator<SyncedRecord> rest) {
    }

    /**
     * Streams the page to {@code sink} (on the calling thread) in position order, each record as {@code prepare}
     * made it on the reader thread. The first query runs before the first record is handed out, so an unreachable
     * database fails the request before anything of it is written.
     *
     * <p>The page is read on a reader thread, at most {@link #READ_AHEAD} records ahead of {@code sink}: PostgreSQL
     * then produces the next rows while the last ones are written, instead of each waiting on the other (a page of
     * 5,000 notes is ~120 ms of PostgreSQL and ~100 ms of writing). {@code prepare} runs there too, so that the
     * writer's thread, which also compresses the answer, is not the one that turns every note's strokes into JSON
     * text for a JSON device.
     */
    <T> Page stream(UUID accountId, VerifiedPull request, Function<SyncedRecord, T> prepare, Consumer<T> sink) {
        RecordHandoff<T> handoff = new RecordHandoff<>(READ_AHEAD);
        Future<Page> reading = readers.submit(() -> {
            try {
                Page page = read(accountId, request, record -> handoff.put(prepare.apply(record)));
                handoff.end(null);
                return page;
            } catch (RuntimeException | Error e) {
                handoff.end(e);
                throw e;
            }
        });
        boolean written = false;
        try {
            for (T record = handoff.take(); record != null; record = handoff.take()) {
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
        BookSelection selection = pull.selection();
        return snapshot.execute(status -> {
            long position = cursor == null ? 0 : cursor.position();
            long chainStart = cursor == null ? accounts.changeSequence(accountId) : cursor.chainStart();
            int limit = request.limit();
            int records = 0;
            BookSelection next = selection;
            if (selection.backfilling()) {
                try (Merge backfill = new Merge(accountId,
                        backfillReads(request.tables(), selection, position), limit + 1)) {
                    long last = 0;
                    while (records < limit && backfill.hasNext()) {
                        SyncedRecord record = backfill.next();
                        sink.accept(record);
                        records++;
                        last = record.position();
                    }
                    if (backfill.hasNext()) {
                        // The chain stays at the cursor's position until every added book has caught up to it.
                        return new Page(records, position, true, chainStart, selection.advancedTo(last));
                    }
                }
                next = selection.caughtUp();
            }
            try (Merge chain = new Merge(accountId,
                    chainReads(request.tables(), selection, position, chainStart), limit - records + 1)) {
                long last = position;
                while (records < limit && chain.hasNext()) {
                    SyncedRecord record = chain.next();
                    sink.accept(record);
                    records++;
                    last = record.position();
                }
                return new Page(records, last, chain.hasNext(), chainStart, next);
            }
        });
    }

    /** A read of one table: which books, which positions. */
    private record Read(SyncTable table, BookFilter books, RecordReads.Range range) {
    }

    /** The chain: every change after the cursor's position of the selected books (and of every book record). */
    private static List<Read> chainReads(Set<SyncTable> tables, BookSelection selection, long position,
                                         long chainStart) {
        RecordReads.Range range = new RecordReads.Range(position, Long.MAX_VALUE, chainStart);
        BookFilter books = selection.books() == null ? BookFilter.EVERY_BOOK : BookFilter.only(selection.books());
        List<Read> reads = new ArrayList<>();
        for (SyncTable table : tables) {
            reads.addAll(split(table, RecordReads.filtersByBook(table) ? books : BookFilter.EVERY_BOOK, range));
        }
        return reads;
    }

    /** The backfill: the live records up to the cursor's position of the books still catching up. */
    private static List<Read> backfillReads(Set<SyncTable> tables, BookSelection selection, long position) {
        List<Read> reads = new ArrayList<>();
        for (SyncTable table : tables) {
            if (!RecordReads.filtersByBook(table)) {
                continue; // every book record is in the chain, whatever the selection
            }
            selection.backfillByProgress().forEach((progress, books) -> reads.addAll(split(table,
                    BookFilter.only(books), new RecordReads.Range(progress, position, Long.MAX_VALUE))));
            if (selection.others() != null) {
                reads.add(new Read(table, BookFilter.allBut(selection.othersExcluded()),
                        new RecordReads.Range(selection.others().progress(), position, Long.MAX_VALUE)));
            }
        }
        return reads;
    }

    /**
     * One read per book when there are a few: each a range of the (account, book, position) index, merged here; a
     * single read of {@code book_id = ANY(…)} would read every row of those books past the position to sort them,
     * for each page.
     */
    private static List<Read> split(SyncTable table, BookFilter books, RecordReads.Range range) {
        if (books.none()) {
            return List.of();
        }
        if (books.excluding() || books.books().size() == 1 || books.books().size() > MAX_READS_PER_TABLE) {
            return List.of(new Read(table, books, range));
        }
        return books.books().stream().map(book -> new Read(table, BookFilter.only(Set.of(book)), range)).toList();
    }

    /** The reads of a page merged by position: each read's next row waits in a queue ordered by position. */
    private final class Merge implements AutoCloseable {
        private final List<Stream<SyncedRecord>> streams = new ArrayList<>();
        private final PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.comparingLong(h -> h.record().position()));

        Merge(UUID accountId, List<Read> plan, int limit) {
            int fetchSize = Math.max(MIN_FETCH_SIZE, FETCH_SIZE / Math.max(1, plan.size()));
            try {
                for (Read read : plan) {
                    Stream<SyncedRecord> rows = reads.range(read.table(), accountId, read.books(),
                            read.range(), limit, fetchSize);
                    streams.add(rows);
                    Iterator<SyncedRecord> iterator = rows.iterator();
                    if (iterator.hasNext()) {
                        heads.add(new Head(iterator.next(), iterator));
                    }
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        boolean hasNext() {
            return !heads.isEmpty();
        }

        SyncedRecord next() {
            Head head = heads.poll();
            if (head.rest().hasNext()) {
                heads.add(new Head(head.rest().next(), head.rest()));
            }
            return head.record();
        }

        @Override
        public void close() {
            streams.forEach(Stream::close);
        }
    }
}

package io.syncd.gateway.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import io.syncd.common.StrokesFormat;
import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;
import io.syncd.gateway.TestDatabase;

/**
 * Guarantee 4 at the page boundary: a pull page reads its tables one after another, so they must all be read in one
 * snapshot. A transaction that commits between the page's read of {@code books} and its read of {@code events} is
 * placed there deterministically: it holds {@code events} locked until the pull waits for that lock.
 */
class PullSnapshotTest {
    private static final Set<SyncTable> BOOKS_AND_EVENTS = EnumSet.of(SyncTable.BOOKS, SyncTable.EVENTS);
    private static DataSource dataSource;
    private static PullQuery query;

    @BeforeAll
    static void startDatabase() {
        dataSource = TestDatabase.dataSource();
        query = new PullQuery(dataSource, new DataSourceTransactionManager(dataSource));
    }

    @AfterAll
    static void stopQuery() {
        query.destroy();
    }

    @Test
    void aCommitBetweenThePagesTableReadsIsReturnedWholeByTheNextPageNeverSkipped() throws Exception {
        UUID account = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        UUID firstBook = UUID.randomUUID();
        UUID book = UUID.randomUUID();
        UUID event = UUID.randomUUID();
        try (Connection setup = dataSource.getConnection()) {
            insertAccount(setup, account);
            commitBook(setup, account, device, firstBook);
        }
        List<SyncedRecord> pulled = new ArrayList<>();
        PullQuery.Page first = query.stream(account, page(account, null), r -> r, pulled::add);
        assertThat(pulled).extracting(SyncedRecord::recordId).containsExactly(firstBook);
        PullCursor cursor = cursor(account, first);

        CompletableFuture<PullQuery.Page> page;
        try (Connection writer = dataSource.getConnection()) {
            // As an applier does: one transaction writes a book and then its event, the event at the higher position.
            writer.setAutoCommit(false);
            try (Statement lock = writer.createStatement()) {
                lock.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
            }
            long bookPosition = nextPosition(writer, account);
            insertBook(writer, account, device, book, bookPosition);
            insertEvent(writer, account, device, event, book, nextPosition(writer, account));

            page = CompletableFuture.supplyAsync(() -> query.stream(account, page(account, cursor), r -> r, pulled::add));
            await("the page has read books and waits to read events").atMost(Duration.ofSeconds(30))
                    .until(() -> waitsForLockOnEvents(writer));
            writer.commit();
        }
        PullQuery.Page blocked = page.get(30, TimeUnit.SECONDS);
        PullCursor next = cursor(account, blocked);
        PullQuery.Page after = query.stream(account, page(account, next), r -> r, pulled::add);

        assertThat(after.hasMore()).isFalse();
        assertThat(pulled).extracting(SyncedRecord::recordId)
                .as("the book committed with its event is pulled, in position order")
                .containsExactly(firstBook, book, event);
    }

    /** A page of books and events after {@code cursor} (null: from the beginning), as PullService verified it. */
    private static VerifiedPull page(UUID account, PullCursor cursor) {
        return new VerifiedPull(new PullRequest(null, BOOKS_AND_EVENTS, 500, 0, null, StrokesFormat.JSON), cursor, query.origin(account),
                cursor == null ? BookSelection.ALL : cursor.selection());
    }

    /** The cursor a page ends at. */
    private static PullCursor cursor(UUID account, PullQuery.Page page) {
        return new PullCursor(query.origin(account).databaseId(), page.lastPosition(), page.chainStart(), BOOKS_AND_EVENTS,
                page.selection());
    }

    /** Whether another backend waits for a lock on {@code events} (the pull's read, behind the writer's lock). */
    private static boolean waitsForLockOnEvents(Connection writer) throws SQLException {
        try (Connection observer = dataSource.getConnection();
                PreparedStatement ps = observer.prepareStatement("SELECT count(*) FROM pg_locks"
                        + " WHERE relation = 'events'::regclass AND NOT granted AND pid <> ?")) {
            ps.setInt(1, writer.unwrap(org.postgresql.PGConnection.class).getBackendPID());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    private static void insertAccount(Connection conn, UUID account) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO accounts (id, name, enrollment_key_hash) VALUES (?, 'test', ?)")) {
            ps.setObject(1, account);
            ps.setBytes(2, account.toString().getBytes());
            ps.executeUpdate();
        }
    }

    private static void commitBook(Connection conn, UUID account, UUID device, UUID book) throws SQLException {
        insertBook(conn, account, device, book, nextPosition(conn, account));
    }

    /** The account's next position, taken under its row lock as the applier takes it. */
    private static long nextPosition(Connection conn, UUID account) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE accounts SET change_seq = change_seq + 1 WHERE id = ? RETURNING change_seq")) {
            ps.setObject(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void insertBook(Connection conn, UUID account, UUID device, UUID id, long position)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO books (account_id, id, name, version, device_id,"
                + " updated_at, synced_at, position) VALUES (?, ?, 'b', 1, ?, now(), now(), ?)")) {
            ps.setObject(1, account);
            ps.setObject(2, id);
            ps.setObject(3, device);
            ps.setLong(4, position);
            ps.executeUpdate();
        }
    }

    private static void insertEvent(Connection conn, UUID account, UUID device, UUID id, UUID book, long position)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO events (account_id, id, book_id, name, start_time,"
                + " version, device_id, updated_at, synced_at, position) VALUES (?, ?, ?, 'e', now(), 1, ?, now(), now(), ?)")) {
            ps.setObject(1, account);
            ps.setObject(2, id);
            ps.setObject(3, book);
            ps.setObject(4, device);
            ps.setLong(5, position);
            ps.executeUpdate();
        }
    }
}

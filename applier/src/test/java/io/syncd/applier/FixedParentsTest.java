package io.syncd.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.DecisionStatus;
import io.syncd.common.DecodedChange;
import io.syncd.common.SyncTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Parents are fixed at creation (PROTOCOL.md, "Push"): the applier rejects an upsert naming another parent than the
 * stored record's, tombstone or not, with {@code immutable_field} and before the version check; logs a change the
 * gateway marked so without reading anything; and keeps a note's event's book on the note.
 */
class FixedParentsTest {
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static final AtomicLong OFFSETS = new AtomicLong();
    private static final ParentProgress PARENTS_DECIDED = (child, table, progress) -> true;
    private static final ParentProgress PARENTS_PENDING = (child, table, progress) -> false;

    private final BatchApplier applier = new BatchApplier(dataSource, Clock.systemUTC());
    private final UUID device = UUID.randomUUID();
    private UUID account;
    private final UUID bookA = UUID.randomUUID();
    private final UUID bookB = UUID.randomUUID();

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = MigratedDatabase.start();
        dataSource = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void twoBooks() throws SQLException {
        account = MigratedDatabase.newAccount(dataSource);
        apply(PARENTS_DECIDED, book(bookA), book(bookB));
    }

    @Test
    void anUpsertNamingAnotherBookIsRejectedWhateverItsBaseVersionAndWritesNothing() throws SQLException {
        UUID event = UUID.randomUUID();
        apply(PARENTS_DECIDED, event(event, 0, bookA, "in A"));

        BatchResult moves = apply(PARENTS_DECIDED, event(event, 1, bookB, "current version"),
                event(event, 7, bookB, "stale version"), event(event, 0, bookB, "a create of the same id"));

        assertThat(moves.decisions()).extracting(Decision::status, Decision::errorCode).containsOnly(
                tuple(DecisionStatus.REJECTED, "immutable_field"));
        assertThat(moves.decisions().get(0).errorMessage()).contains("events.book_id is fixed at creation")
                .contains(bookA.toString()).contains(bookB.toString());
        assertThat(eventRow(event)).isEqualTo(bookA + " v1 in A");
        BatchResult create = apply(PARENTS_DECIDED, event(event, 0, bookB, "a create alone, not looked up at first"));
        assertThat(create.redecided()).isTrue();
        assertThat(create.decisions()).extracting(Decision::errorCode).containsExactly("immutable_field");
        assertThat(apply(PARENTS_DECIDED, event(event, 3, bookA, "stale, same book")).decisions())
                .extracting(Decision::status).as("the same parent: the version check as ever")
                .containsExactly(DecisionStatus.CONFLICT);
    }

    @Test
    void aRecordCreatedAndMovedInOneBatchKeepsItsFirstParent() throws SQLException {
        UUID event = UUID.randomUUID();
        UUID drawing = UUID.randomUUID();

        BatchResult batch = apply(PARENTS_DECIDED, event(event, 0, bookA, "created"), event(event, 1, bookB, "moved"),
                drawing(drawing, 0, bookA), drawing(drawing, 1, bookB));

        assertThat(batch.decisions()).extracting(Decision::table, Decision::status, Decision::errorCode).containsExactly(
                tuple(SyncTable.EVENTS, DecisionStatus.APPLIED, null),
                tuple(SyncTable.EVENTS, DecisionStatus.REJECTED, "immutable_field"),
                tuple(SyncTable.SCHEDULE_DRAWINGS, DecisionStatus.APPLIED, null),
                tuple(SyncTable.SCHEDULE_DRAWINGS, DecisionStatus.REJECTED, "immutable_field"));
        assertThat(eventRow(event)).isEqualTo(bookA + " v1 created");
    }

    @Test
    void aTombstoneKeepsItsParentSoBringingItBackElsewhereIsRejected() throws SQLException {
        UUID event = UUID.randomUUID();
        apply(PARENTS_DECIDED, event(event, 0, bookA, "in A"));
        apply(PARENTS_DECIDED, change(SyncTable.EVENTS, ChangeOp.DELETE, event, 1, null));

        BatchResult elsewhere = apply(PARENTS_DECIDED, event(event, 2, bookB, "back in B"));
        BatchResult back = apply(PARENTS_DECIDED, event(event, 2, bookA, "back in A"));

        assertThat(elsewhere.decisions()).extracting(Decision::errorCode).containsExactly("immutable_field");
        assertThat(back.decisions()).extracting(Decision::status).containsExactly(DecisionStatus.APPLIED);
        assertThat(eventRow(event)).isEqualTo(bookA + " v3 back in A");
    }

    @Test
    void aNoteNamingAnotherEventIsRejectedAndANoteKeepsItsEventsBook() throws SQLException {
        UUID eventA = UUID.randomUUID();
        UUID eventB = UUID.randomUUID();
        UUID note = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        apply(PARENTS_DECIDED, event(eventA, 0, bookA, "a"), note(note, 0, eventA));
        apply(PARENTS_DECIDED, event(eventB, 0, bookB, "b"));
        apply(PARENTS_DECIDED, note(later, 0, eventB));

        BatchResult moved = apply(PARENTS_DECIDED, note(note, 1, eventB));
        BatchResult edited = apply(PARENTS_DECIDED, note(note, 1, eventA));

        assertThat(moved.decisions()).extracting(Decision::errorCode).containsExactly("immutable_field");
        assertThat(moved.decisions().get(0).errorMessage()).contains("notes.event_id is fixed at creation");
        assertThat(edited.decisions()).extracting(Decision::status).containsExactly(DecisionStatus.APPLIED);
        assertThat(notesBook(note)).as("created with its event in one batch, then rewritten").isEqualTo(bookA);
        assertThat(notesBook(later)).as("created on a stored event").isEqualTo(bookB);
    }

    @Test
    void aChangeTheGatewayRejectedIsLoggedWithoutWaitingForOrReadingItsParent() throws SQLException {
        UUID event = UUID.randomUUID();
        PolledChange marked = new PolledChange(DecodedChange.of(event(event, 1, UUID.randomUUID(), "nowhere").event()
                .rejectedAs("immutable_field")), new TopicPartition(SyncTable.EVENTS.topic(), 0),
                OFFSETS.incrementAndGet());

        BatchResult result = apply(PARENTS_PENDING, marked);

        assertThat(result.parked()).isEmpty();
        assertThat(result.decisions()).extracting(Decision::status, Decision::errorCode)
                .containsExactly(tuple(DecisionStatus.REJECTED, "immutable_field"));
        assertThat(result.decisions().get(0).errorMessage()).contains("events.book_id")
                .contains("an earlier change of this record in the same request");
    }

    private BatchResult apply(ParentProgress parents, PolledChange... changes) throws SQLException {
        return applier.apply(List.of(changes), parents);
    }

    private PolledChange change(SyncTable table, ChangeOp op, UUID recordId, long base, String data) {
        return new PolledChange(DecodedChange.of(new ChangeEvent(UUID.randomUUID(), account, device, table, op, recordId,
                base, data, Instant.parse("2026-11-24T10:00:00Z"))), new TopicPartition(table.topic(), 0),
                OFFSETS.incrementAndGet());
    }

    private PolledChange book(UUID id) {
        return change(SyncTable.BOOKS, ChangeOp.UPSERT, id, 0, "{\"name\":\"b\",\"archived\":false}");
    }

    private PolledChange event(UUID id, long base, UUID book, String name) {
        return change(SyncTable.EVENTS, ChangeOp.UPSERT, id, base, "{\"book_id\":\"" + book + "\",\"name\":\"" + name
                + "\",\"record_number\":null,\"event_type\":null,\"start_time\":\"2026-11-24T09:00:00Z\","
                + "\"end_time\":null,\"is_removed\":false,\"removal_reason\":null}");
    }

    private PolledChange drawing(UUID id, long base, UUID book) {
        return change(SyncTable.SCHEDULE_DRAWINGS, ChangeOp.UPSERT, id, base, "{\"book_id\":\"" + book
                + "\",\"date\":\"2026-11-24\",\"view_mode\":1,\"strokes\":[[1,2]]}");
    }

    private PolledChange note(UUID id, long base, UUID event) {
        return change(SyncTable.NOTES, ChangeOp.UPSERT, id, base, "{\"event_id\":\"" + event + "\",\"strokes\":[[3]]}");
    }

    /** The stored event as "book vVersion name". */
    private String eventRow(UUID id) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "SELECT book_id, version, name FROM events WHERE account_id = ? AND id = ?")) {
            ps.setObject(1, account);
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getObject(1) + " v" + rs.getLong(2) + " " + rs.getString(3);
            }
        }
    }

    private UUID notesBook(UUID note) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "SELECT book_id FROM notes WHERE account_id = ? AND id = ?")) {
            ps.setObject(1, account);
            ps.setObject(2, note);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getObject(1, UUID.class);
            }
        }
    }
}

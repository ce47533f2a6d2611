package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.drawing;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static io.syncd.client.Records.note;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.store.Database;
import io.syncd.client.store.LocalStore;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ObjectNode;

/** Which books a pull sends and which records it drops, on a store without a server (records arrive as pulled). */
class BookSubscriptionsTest {
    @TempDir
    Path dir;
    private LocalStore store;
    private BookSubscriptions books;
    private final String a = newId();
    private final String b = newId();
    private final String eventA = newId();
    private final String noteA = newId();
    private final String drawingA = newId();

    @BeforeEach
    void open() {
        store = LocalStore.open(dir.resolve("device.db"));
        books = new BookSubscriptions(store);
        pulled("books", a, book("A"));
        pulled("books", b, book("B"));
        pulled("events", eventA, event(a, "in A"));
        pulled("notes", noteA, note(eventA));
        pulled("schedule_drawings", drawingA, drawing(a));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A clean record at version 1, as a pull writes it. */
    private void pulled(String table, String id, ObjectNode data) {
        ObjectNode envelope = Json.MAPPER.createObjectNode().put("table", table).put("record_id", id).put("version", 1)
                .put("is_deleted", false);
        envelope.set("data", data);
        store.inTransaction(() -> {
            store.records().writeServer(SyncTable.fromWireName(table).orElseThrow(), envelope);
            return null;
        });
    }

    private <T> T tx(Database.Work<T> work) {
        return store.inTransaction(work);
    }

    @Test
    void everyBookIsTheDefaultAndSendsNoSet() throws Exception {
        assertThat(tx(books::subscribed)).isEmpty();
        assertThat(tx(books::pullSet)).isNull();
        tx(() -> {
            books.dropOutside(null);
            return null;
        });
        assertThat(tx(() -> store.records().listLive(SyncTable.EVENTS))).hasSize(1);
    }

    @Test
    void aCleanUnsubscribedBookIsLeftOutOfThePullAndDroppedWithItsFirstPageBookRowKept() throws Exception {
        tx(() -> {
            books.unsubscribe(Set.of(a));
            return null;
        });
        Set<String> pullSet = tx(books::pullSet);
        assertThat(pullSet).containsExactly(b);

        tx(() -> {
            books.dropOutside(pullSet);
            return null;
        });

        assertThat(tx(() -> store.records().find(SyncTable.EVENTS, eventA))).isEmpty();
        assertThat(tx(() -> store.records().find(SyncTable.NOTES, noteA))).isEmpty();
        assertThat(tx(() -> store.records().find(SyncTable.SCHEDULE_DRAWINGS, drawingA))).isEmpty();
        assertThat(tx(() -> store.records().listLive(SyncTable.BOOKS))).hasSize(2);
        assertThat(store.inTransaction(() -> store.outbox().count())).as("a drop is never pushed").isZero();
    }

    @Test
    void anUnsyncedLocalDeleteKeepsItsBookInThePullAndUndropped() throws Exception {
        LocalEdits edits = new LocalEdits(store, Clock.systemUTC());
        tx(() -> edits.delete(SyncTable.EVENTS, eventA)); // the tombstone still names its book
        tx(() -> {
            books.unsubscribe(Set.of(a));
            return null;
        });

        Set<String> pullSet = tx(books::pullSet);
        tx(() -> {
            books.dropOutside(pullSet);
            return null;
        });

        assertThat(pullSet).containsExactlyInAnyOrder(a, b);
        assertThat(tx(() -> store.records().find(SyncTable.EVENTS, eventA))).hasValueSatisfying(e -> {
            assertThat(e.deleted()).isTrue();
            assertThat(e.dirty()).isTrue();
        });
        assertThat(tx(books::pendingRemovals)).singleElement()
                .satisfies(p -> assertThat(p).isEqualTo(new PendingBookRemoval(a, 1, 0, 0)));
    }

    @Test
    void aPulledRecordOfABookOutsideTheChainsSetIsNotAccepted() throws Exception {
        Set<String> onlyB = Set.of(b);
        assertThat(tx(() -> books.accepts(onlyB, SyncTable.EVENTS, a))).isFalse();
        assertThat(tx(() -> books.accepts(onlyB, SyncTable.SCHEDULE_DRAWINGS, b))).isTrue();
        assertThat(tx(() -> books.accepts(onlyB, SyncTable.NOTES, eventA))).as("its event is in A").isFalse();
        assertThat(tx(() -> books.accepts(onlyB, SyncTable.NOTES, newId()))).as("an event not here yet").isTrue();
        assertThat(tx(() -> books.accepts(null, SyncTable.EVENTS, a))).as("every book").isTrue();
    }
}

package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static io.syncd.client.Records.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OutboxEntry;

/** {@link SyncClient#moveEvent} without a server: what it leaves in the store and the outbox. */
class EventMoveTest {
    @TempDir
    Path dir;

    @Test
    void movingAnEventNeverSentSendsOnlyTheNewEventAndItsNotes() {
        Path file = dir.resolve("device.db");
        String a = newId();
        String b = newId();
        String eventId = newId();
        String noteId = newId();
        LocalRecord moved;
        try (SyncClient client = SyncClient.open(file)) {
            client.put("books", a, book("A"));
            client.put("books", b, book("B"));
            client.put("events", eventId, event(a, "check-up"));
            client.put("notes", noteId, note(eventId));

            moved = client.moveEvent(eventId, b);

            assertThat(client.list("events")).singleElement().satisfies(e -> {
                assertThat(e.recordId()).isEqualTo(moved.recordId());
                assertThat(e.data().get("book_id").stringValue()).isEqualTo(b);
                assertThat(e.data().get("name").stringValue()).isEqualTo("check-up");
            });
            assertThat(client.list("notes")).singleElement()
                    .satisfies(n -> assertThat(n.data().get("event_id").stringValue()).isEqualTo(moved.recordId()));
            assertThat(client.get("notes", noteId)).as("never on the server: gone").isEmpty();
        }
        try (LocalStore store = LocalStore.openExisting(file)) {
            List<OutboxEntry> outbox = store.inTransaction(() -> store.outbox().all());
            assertThat(outbox).extracting(e -> e.table().wireName(), OutboxEntry::op)
                    .containsExactly(tuple("books", "upsert"), tuple("books", "upsert"), tuple("events", "upsert"),
                            tuple("notes", "upsert"));
            assertThat(outbox.get(2).recordId()).isEqualTo(moved.recordId());
        }
    }
}

package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OutboxEntry;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ObjectNode;

/** Local writes without any server: validation, dirty tracking and the outbox's coalescing rules. */
class LocalEditsTest {
    @TempDir
    Path dir;
    private SyncClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private SyncClient client() {
        if (client == null) {
            client = SyncClient.open(dir.resolve("device.db"));
        }
        return client;
    }

    private List<OutboxEntry> outbox() {
        client().close();
        client = null;
        try (LocalStore store = LocalStore.open(dir.resolve("device.db"))) {
            return store.inTransaction(() -> store.outbox().all());
        }
    }

    @Test
    void putStoresTheNormalizedDataAndMarksTheRecordDirty() {
        String bookId = newId();
        String eventId = newId();
        client().put("books", bookId, book("Clinic A"));
        LocalRecord event = client().put("events", eventId,
                event(bookId.toUpperCase(), "Check-up").put("start_time", "2026-11-24T09:00:00+02:00"));

        assertThat(event.version()).isZero();
        assertThat(event.dirty()).isTrue();
        assertThat(event.deleted()).isFalse();
        assertThat(event.data().get("book_id").stringValue()).isEqualTo(bookId);
        assertThat(event.data().get("start_time").stringValue()).isEqualTo("2026-11-24T07:00:00Z");
        assertThat(event.data().get("is_removed").booleanValue()).isFalse();
        assertThat(event.data().get("end_time").isNull()).isTrue();
        assertThat(client().get("books", bookId).orElseThrow().data().get("archived").booleanValue()).isFalse();
    }

    @Test
    void strokesThatAreNotAJsonArrayOrNotInkAreRefusedAndNothingIsStored() {
        String id = newId();
        ObjectNode notArray = Records.note(newId()).put("strokes", "[[1,2]]");
        ObjectNode both = Records.note(newId()).put("strokes_ink", "AQ==");
        ObjectNode badInk = Records.note(newId());
        badInk.remove("strokes");
        badInk.put("strokes_ink", "AAAA");

        assertThatThrownBy(() -> client().put("notes", id, notArray)).isInstanceOf(InvalidRecordException.class)
                .hasMessage("data.strokes: must be a JSON array");
        assertThatThrownBy(() -> client().put("notes", id, both)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("data.strokes_ink: must not be given with strokes");
        assertThatThrownBy(() -> client().put("notes", id, badInk)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("data.strokes_ink: is not a valid ink encoding");

        assertThat(client().get("notes", id)).isEmpty();
        assertThat(outbox()).isEmpty();
    }

    @Test
    void strokesAndIntegersRoundTripThroughTheirColumns() {
        String bookId = newId();
        String drawingId = newId();
        ObjectNode drawing = Records.drawing(bookId);
        drawing.withArray("strokes").addArray().add(1.5).add(-2).add("x");
        client().put("schedule_drawings", drawingId, drawing);

        ObjectNode stored = client().get("schedule_drawings", drawingId).orElseThrow().data();
        JsonByValue.assertEqualByValue(stored.get("strokes"), drawing.get("strokes"));
        assertThat(stored.has("strokes_ink")).as("the app sees JSON strokes only").isFalse();
        assertThat(stored.get("view_mode").intValue()).isEqualTo(1);
        assertThat(stored.get("date").stringValue()).isEqualTo("2026-11-24");
    }

    @Test
    void idsAreTimeOrderedSoTheServersIndexesTakeThemAtTheirRightEdge() {
        long before = System.currentTimeMillis();
        String bookId = SyncClient.newRecordId();
        client().put("books", bookId, book("Clinic A"));
        client().put("events", newId(), event(bookId, "Check-up"));
        long after = System.currentTimeMillis();

        assertThat(outbox()).hasSize(2).allSatisfy(change -> {
            UUID changeId = UUID.fromString(change.changeId());
            assertThat(changeId.version()).isEqualTo(7);
            assertThat(changeId.getMostSignificantBits() >>> 16).as("its millisecond").isBetween(before, after);
        });
        assertThat(UUID.fromString(bookId).version()).isEqualTo(7);
    }

    @Test
    void invalidDataIsRefusedBeforeAnythingIsStored() {
        String id = newId();

        assertThatThrownBy(() -> client().put("books", id, book(" ")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("data.name: must not be blank");
        assertThatThrownBy(() -> client().put("books", id, book("ok").put("colour", "red")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("data.colour: unknown field");
        assertThatThrownBy(() -> client().put("events", id, event("not-a-uuid", "x")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("data.book_id: must be a UUID");
        assertThatThrownBy(() -> client().put("events", id,
                event(newId(), "x").put("end_time", "2026-11-24T08:00:00Z")))
                .hasMessageContaining("data.end_time: must not be before start_time");
        assertThatThrownBy(() -> client().put("shelves", id, book("x")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("table: must be one of");
        assertThatThrownBy(() -> client().put("books", "42", book("x")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("record_id: must be a UUID");

        assertThat(client().list("books")).isEmpty();
        assertThat(outbox()).isEmpty();
    }

    @Test
    void textPostgresCannotStoreIsRefusedAtPutBeforeAnythingIsQueued() {
        String id = newId();

        assertThatThrownBy(() -> client().put("books", id, book("Dr\u0000 Who")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("data.name: must not contain U+0000");
        assertThatThrownBy(() -> client().put("books", id, book("half \uD83D a smile")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("data.name: must not contain an unpaired surrogate (U+D800 to U+DFFF)");

        assertThat(client().get("books", id)).isEmpty();
        assertThat(outbox()).isEmpty();
    }

    @Test
    void timestampsAndDatesOutsideTheYears1To9999AreRefusedAtPut() {
        String bookId = newId();

        assertThatThrownBy(() -> client().put("events", newId(),
                event(bookId, "x").put("start_time", "9999-12-31T23:00:00-01:00")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("data.start_time: must lie within the years 0001 to 9999 once in UTC");
        assertThatThrownBy(() -> client().put("schedule_drawings", newId(),
                Records.drawing(bookId).put("date", "0000-12-31")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("data.date: must lie within the years 0001 to 9999");

        assertThat(outbox()).isEmpty();
    }

    @Test
    void lowerCaseTimestampsAndOffsetsUpTo2359AreTakenAndStoredInUtc() {
        String id = newId();

        LocalRecord stored = client().put("events", id, event(newId(), "Late call")
                .put("start_time", "2026-11-24t10:00:00z").put("end_time", "2026-11-25T10:00:00+23:59"));

        assertThat(stored.data().get("start_time").stringValue()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(stored.data().get("end_time").stringValue()).isEqualTo("2026-11-24T10:01:00Z");
    }

    @Test
    void severalOfflineEditsOfARecordAreOneChangeWithTheLatestDataAndTheOriginalBaseVersion() {
        String id = newId();
        client().put("books", id, book("first"));
        String changeId = outbox().get(0).changeId();
        client().put("books", id, book("second"));
        client().put("books", id, book("third"));

        assertThat(outbox()).singleElement().satisfies(change -> {
            assertThat(change.changeId()).isEqualTo(changeId);
            assertThat(change.baseVersion()).isZero();
            assertThat(change.op()).isEqualTo("upsert");
            assertThat(Json.MAPPER.readTree(change.data()).get("name").stringValue()).isEqualTo("third");
            assertThat(change.sent()).isFalse();
        });
    }

    @Test
    void aRecordCreatedAndDeletedOfflineLeavesNothingToSend() {
        String id = newId();
        client().put("books", id, book("draft"));
        LocalRecord deleted = client().delete("books", id);

        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted.dirty()).isFalse();
        assertThat(deleted.data()).isNull();
        assertThat(client().list("books")).isEmpty();
        assertThat(outbox()).isEmpty();
    }

    @Test
    void anEditAfterItsChangeWasSentIsQueuedBehindItWithoutTouchingTheSentChange() {
        String id = newId();
        client().put("books", id, book("sent"));
        client().close();
        client = null;
        try (LocalStore store = LocalStore.open(dir.resolve("device.db"))) {
            store.inTransaction(() -> {
                store.outbox().markSent(store.outbox().all().get(0).seq(), Clock.systemUTC().instant());
                return null;
            });
        }
        client().put("books", id, book("edited after the send"));
        client().put("books", id, book("edited again"));

        assertThat(outbox()).extracting(OutboxEntry::sent, OutboxEntry::baseVersion,
                        change -> Json.MAPPER.readTree(change.data()).get("name").stringValue())
                .containsExactly(tuple(true, 0L, "sent"), tuple(false, null, "edited again"));
    }

    @Test
    void theOutboxAndItsChangeIdsSurviveReopeningTheStore() {
        String id = newId();
        client().put("books", id, book("kept"));
        List<OutboxEntry> before = outbox();

        assertThat(client().get("books", id).orElseThrow().dirty()).isTrue();
        assertThat(outbox()).isEqualTo(before);
        assertThat(client().status()).extracting(SyncStatus::dirty, SyncStatus::outbox, SyncStatus::deviceId)
                .containsExactly(1, 1, null);
    }

    @Test
    void deletingARecordThisStoreNeverHadIsNotFound() {
        assertThatThrownBy(() -> client().delete("books", newId())).isInstanceOf(RecordNotFoundException.class);
        assertThat(client().get("books", newId())).isEmpty();
    }

    @Test
    void aBatchIsStoredWholeOrNotAtAll() {
        String bookId = newId();
        assertThatThrownBy(() -> client().batch(batch -> {
            batch.put("books", bookId, book("in the batch"));
            batch.put("events", newId(), event(bookId, ""));
        })).isInstanceOf(InvalidRecordException.class);
        assertThat(client().get("books", bookId)).isEmpty();

        client().batch(batch -> {
            batch.put("books", bookId, book("in the batch"));
            batch.put("events", newId(), event(bookId, "Check-up"));
        });
        assertThat(client().list("events")).hasSize(1);
        assertThat(outbox()).extracting(OutboxEntry::table).containsExactly(SyncTable.BOOKS, SyncTable.EVENTS);
    }

    @Test
    void threadsOfOneAppCanWriteAndReadAtTheSameTime() throws Exception {
        SyncClient shared = client();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            work.add(threads.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    String id = newId();
                    shared.put("books", id, book("book " + i));
                    shared.put("books", id, book("book " + i + " edited"));
                    assertThat(shared.get("books", id).orElseThrow().dirty()).isTrue();
                    shared.list("books");
                }
            }));
        }
        for (Future<?> future : work) {
            future.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(shared.list("books")).hasSize(200)
                .allSatisfy(r -> assertThat(r.data().get("name").stringValue()).endsWith("edited"));
        assertThat(outbox()).hasSize(200);
    }

    @Test
    void syncingAStoreThatWasNeverRegisteredSaysToRegisterFirst() {
        assertThatThrownBy(() -> client().syncAll()).isInstanceOf(NotRegisteredException.class);
        assertThatThrownBy(() -> client().isServerReachable()).isInstanceOf(NotRegisteredException.class);
    }
}

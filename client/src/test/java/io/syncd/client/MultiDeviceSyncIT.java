package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.drawing;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static io.syncd.client.Records.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.syncd.client.store.LocalStore;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ObjectNode;

/** Several devices of one account, each its own SQLite file, syncing through the real server. */
class MultiDeviceSyncIT {
    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());

    @AfterEach
    void close() {
        devices.close();
    }

    private static String name(SyncClient device, String table, String id) {
        return device.get(table, id).orElseThrow().data().get("name").stringValue();
    }

    /** A book both devices have at version 1, then edited on both while offline; the phone syncs first. */
    private record Edited(SyncClient phone, SyncClient tablet, String bookId) {
    }

    private Edited concurrentEdits() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String bookId = bookEditedOnThePhoneSinceTheTabletSynced(phone, tablet);
        tablet.put("books", bookId, book("tablet edit"));
        return new Edited(phone, tablet, bookId);
    }

    /** A book both devices synced at version 1, then edited and synced by the phone only: the tablet is behind. */
    private static String bookEditedOnThePhoneSinceTheTabletSynced(SyncClient phone, SyncClient tablet) {
        String bookId = newId();
        phone.put("books", bookId, book("original"));
        phone.syncAll();
        tablet.syncAll();
        phone.put("books", bookId, book("phone edit"));
        assertThat(phone.syncAll().applied()).isEqualTo(1);
        return bookId;
    }

    @Test
    void offlineEditsOnThreeDevicesConvergeAfterSync() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        SyncClient laptop = devices.device("laptop");
        String shared = newId();
        phone.put("books", shared, book("shared"));
        phone.syncAll();
        tablet.syncAll();
        laptop.syncAll();

        // Offline: each device creates a book; the tablet edits the shared one and the laptop adds an event to it.
        String phoneBook = newId();
        String tabletBook = newId();
        String laptopEvent = newId();
        phone.put("books", phoneBook, book("from the phone"));
        tablet.put("books", tabletBook, book("from the tablet"));
        tablet.put("books", shared, book("shared, renamed on the tablet"));
        laptop.put("events", laptopEvent, event(shared, "from the laptop"));

        for (SyncClient device : List.of(phone, tablet, laptop, phone, tablet)) {
            device.syncAll();
        }

        List<List<LocalRecord>> views = new ArrayList<>();
        for (SyncClient device : List.of(phone, tablet, laptop)) {
            assertThat(device.status()).extracting(SyncStatus::dirty, SyncStatus::outbox, SyncStatus::conflicts)
                    .containsExactly(0, 0, 0);
            views.add(List.of(device.get("books", shared).orElseThrow(), device.get("books", phoneBook).orElseThrow(),
                    device.get("books", tabletBook).orElseThrow(), device.get("events", laptopEvent).orElseThrow()));
        }
        assertThat(views.get(1)).isEqualTo(views.get(0));
        assertThat(views.get(2)).isEqualTo(views.get(0));
        assertThat(views.get(0)).extracting(LocalRecord::version, r -> r.data().get("name").stringValue())
                .containsExactly(tuple(2L, "shared, renamed on the tablet"), tuple(1L, "from the phone"),
                        tuple(1L, "from the tablet"), tuple(1L, "from the laptop"));
    }

    @Test
    void aConcurrentEditBecomesAConflictAndTheLocalEditIsKept() {
        Edited e = concurrentEdits();

        SyncReport report = e.tablet().syncAll();

        assertThat(report.conflicts()).isEqualTo(1);
        LocalRecord local = e.tablet().get("books", e.bookId()).orElseThrow();
        assertThat(local.data().get("name").stringValue()).isEqualTo("tablet edit");
        assertThat(local.dirty()).isTrue();
        assertThat(local.version()).isEqualTo(1);
        assertThat(e.tablet().conflicts()).singleElement().satisfies(conflict -> {
            assertThat(conflict.recordId()).isEqualTo(e.bookId());
            assertThat(conflict.localData().get("name").stringValue()).isEqualTo("tablet edit");
            assertThat(conflict.serverRecord().get("data").get("name").stringValue()).isEqualTo("phone edit");
            assertThat(conflict.serverVersion()).isEqualTo(2);
        });
        // Syncing again neither loses the edit nor resends it as a new change: it waits for the app.
        assertThat(e.tablet().syncAll().pushed()).isZero();
        assertThat(name(e.tablet(), "books", e.bookId())).isEqualTo("tablet edit");
    }

    @Test
    void useServerTakesTheServerRecordAndDropsTheLocalEdit() {
        Edited e = concurrentEdits();
        e.tablet().syncAll();

        ChangeResult result = e.tablet().resolve(e.tablet().conflicts().get(0), Resolution.USE_SERVER, null);

        assertThat(result.status()).isEqualTo("applied");
        assertThat(result.version()).isEqualTo(2);
        assertThat(e.tablet().get("books", e.bookId()).orElseThrow())
                .extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(2L, false);
        assertThat(name(e.tablet(), "books", e.bookId())).isEqualTo("phone edit");
        assertThat(e.tablet().conflicts()).isEmpty();
        assertThat(e.phone().syncAll().pulled()).isZero();
    }

    @Test
    void useLocalWritesTheLocalEditOverTheServerVersion() {
        Edited e = concurrentEdits();
        e.tablet().syncAll();

        ChangeResult result = e.tablet().resolve(e.tablet().conflicts().get(0), Resolution.USE_LOCAL, null);

        assertThat(result.status()).isEqualTo("applied");
        assertThat(result.version()).isEqualTo(3);
        assertThat(e.tablet().get("books", e.bookId()).orElseThrow())
                .extracting(LocalRecord::version, LocalRecord::dirty).containsExactly(3L, false);
        e.phone().syncAll();
        assertThat(e.phone().get("books", e.bookId()).orElseThrow().version()).isEqualTo(3);
        assertThat(name(e.phone(), "books", e.bookId())).isEqualTo("tablet edit");
    }

    @Test
    void mergeWritesTheMergedDataOnEveryDevice() {
        Edited e = concurrentEdits();
        e.tablet().syncAll();
        ObjectNode merged = book("phone edit + tablet edit").put("archived", true);

        ChangeResult result = e.tablet().resolve(e.tablet().conflicts().get(0), Resolution.MERGE, merged);

        assertThat(result.status()).isEqualTo("applied");
        e.phone().syncAll();
        for (SyncClient device : List.of(e.phone(), e.tablet())) {
            LocalRecord record = device.get("books", e.bookId()).orElseThrow();
            assertThat(record.version()).isEqualTo(3);
            assertThat(record.dirty()).isFalse();
            assertThat(record.data().get("name").stringValue()).isEqualTo("phone edit + tablet edit");
            assertThat(record.data().get("archived").booleanValue()).isTrue();
        }
    }

    @Test
    void aLocalDeleteInConflictWinsWithUseLocalAndArrivesAsATombstone() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String bookId = bookEditedOnThePhoneSinceTheTabletSynced(phone, tablet);
        tablet.delete("books", bookId);

        assertThat(tablet.syncAll().conflicts()).isEqualTo(1);
        Conflict conflict = tablet.conflicts().get(0);
        assertThat(conflict.localDeleted()).isTrue();
        assertThat(conflict.localData()).isNull();
        assertThat(tablet.resolve(conflict, Resolution.USE_LOCAL, null).version()).isEqualTo(3);

        phone.syncAll();
        LocalRecord tombstone = phone.get("books", bookId).orElseThrow();
        assertThat(tombstone).extracting(LocalRecord::version, LocalRecord::deleted, LocalRecord::data)
                .containsExactly(3L, true, null);
        assertThat(phone.list("books")).isEmpty();
    }

    @Test
    void aResolutionOnARecordThatMovedOnIsANewConflict() {
        Edited e = concurrentEdits();
        e.tablet().syncAll();
        Conflict first = e.tablet().conflicts().get(0);
        e.phone().put("books", e.bookId(), book("phone edits again"));
        e.phone().syncAll();

        ChangeResult result = e.tablet().resolve(first, Resolution.USE_LOCAL, null);

        assertThat(result.status()).isEqualTo("conflict");
        assertThat(e.tablet().conflicts()).singleElement().satisfies(next -> {
            assertThat(next.changeId()).isEqualTo(result.changeId()).isNotEqualTo(first.changeId());
            assertThat(next.serverVersion()).isEqualTo(3);
            assertThat(next.localData().get("name").stringValue()).isEqualTo("tablet edit");
        });
    }

    @Test
    void deletesArriveAsTombstonesAndLeaveTheLists() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        String eventId = newId();
        phone.put("books", bookId, book("Clinic A"));
        phone.put("events", eventId, event(bookId, "Check-up"));
        phone.syncAll();
        tablet.syncAll();

        phone.delete("events", eventId);
        assertThat(phone.syncAll().applied()).isEqualTo(1);
        tablet.syncAll();

        assertThat(tablet.get("events", eventId).orElseThrow())
                .extracting(LocalRecord::version, LocalRecord::deleted, LocalRecord::dirty, LocalRecord::data)
                .containsExactly(2L, true, false, null);
        assertThat(tablet.list("events")).isEmpty();
        assertThat(tablet.list("books")).hasSize(1);
    }

    @Test
    void deletingABookTombstonesItsEventsNotesAndDrawingsOnEveryDevice() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        String eventId = newId();
        String noteId = newId();
        String drawingId = newId();
        phone.put("books", bookId, book("Clinic A"));
        phone.put("events", eventId, event(bookId, "Check-up"));
        phone.put("notes", noteId, note(eventId));
        phone.put("schedule_drawings", drawingId, drawing(bookId));
        phone.syncAll();
        tablet.syncAll();
        assertThat(tablet.list("notes")).hasSize(1);

        phone.delete("books", bookId);
        phone.syncAll();
        tablet.syncAll();

        for (SyncClient device : List.of(phone, tablet)) {
            for (String table : List.of("books", "events", "notes", "schedule_drawings")) {
                assertThat(device.list(table)).as(table).isEmpty();
            }
            assertThat(device.get("notes", noteId).orElseThrow().deleted()).isTrue();
            assertThat(device.status().dirty()).isZero();
        }
    }

    @Test
    void aBookWithItsEventsNotesAndDrawingsCreatedOfflineSyncsWhole() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        List<String> events = new ArrayList<>();
        phone.put("books", bookId, book("Clinic A"));
        for (int i = 0; i < 5; i++) {
            String eventId = newId();
            events.add(eventId);
            phone.put("events", eventId, event(bookId, "Visit " + i));
            phone.put("notes", newId(), note(eventId));
            phone.put("notes", newId(), note(eventId));
        }
        phone.put("schedule_drawings", newId(), drawing(bookId));
        phone.put("schedule_drawings", newId(), drawing(bookId));

        SyncReport pushed = phone.syncAll();
        SyncReport pulled = tablet.syncAll();

        assertThat(pushed).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::rejected,
                SyncReport::conflicts, SyncReport::pending).containsExactly(18, 18, 0, 0, 0);
        assertThat(pulled.pulled()).isEqualTo(18);
        assertThat(tablet.list("books")).hasSize(1);
        assertThat(tablet.list("events")).extracting(LocalRecord::recordId).containsExactlyInAnyOrderElementsOf(events);
        assertThat(tablet.list("notes")).hasSize(10).allSatisfy(n -> assertThat(n.version()).isEqualTo(1));
        assertThat(tablet.list("schedule_drawings")).hasSize(2);
        assertThat(phone.status().dirty()).isZero();
    }

    @Test
    void aPulledRecordNeverOverwritesALocalDirtyEdit() {
        Edited e = concurrentEdits();

        assertThat(e.tablet().pullChanges().pulled()).isEqualTo(1);

        LocalRecord local = e.tablet().get("books", e.bookId()).orElseThrow();
        assertThat(local.data().get("name").stringValue()).isEqualTo("tablet edit");
        assertThat(local.dirty()).isTrue();
        SyncReport pushed = e.tablet().pushChanges();
        assertThat(pushed.conflicts()).isEqualTo(1);
        assertThat(e.tablet().conflicts().get(0).serverRecord().get("data").get("name").stringValue())
                .isEqualTo("phone edit");
    }

    @Test
    void anEventAddedToABookDeletedElsewhereIsRejectedKeptAndCanBeDropped() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        phone.put("books", bookId, book("Clinic A"));
        phone.syncAll();
        tablet.syncAll();
        phone.delete("books", bookId);
        phone.syncAll();
        String eventId = newId();
        tablet.put("events", eventId, event(bookId, "booked offline"));

        SyncReport report = tablet.syncAll();

        assertThat(report.rejected()).isEqualTo(1);
        assertThat(tablet.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.code()).isEqualTo("missing_parent");
            assertThat(rejection.recordId()).isEqualTo(eventId);
            assertThat(rejection.localData().get("name").stringValue()).isEqualTo("booked offline");
        });
        assertThat(tablet.get("events", eventId).orElseThrow().dirty()).isTrue();

        ChangeResult dropped = tablet.resolve(tablet.rejections().get(0).changeId(), Resolution.USE_SERVER, null);

        assertThat(dropped.status()).isEqualTo("applied");
        assertThat(tablet.get("events", eventId)).isEmpty();
        assertThat(tablet.rejections()).isEmpty();
        assertThat(tablet.status().dirty()).isZero();
    }

    @Test
    void aServerWinsPolicyResolvesConflictsDuringTheSync() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet", server.uri(),
                SyncOptions.defaults().withConflictPolicy(ConflictPolicy.serverWins()));
        String bookId = bookEditedOnThePhoneSinceTheTabletSynced(phone, tablet);
        tablet.put("books", bookId, book("tablet edit"));

        SyncReport report = tablet.syncAll();

        assertThat(report.conflicts()).isEqualTo(1);
        assertThat(tablet.conflicts()).isEmpty();
        assertThat(name(tablet, "books", bookId)).isEqualTo("phone edit");
        assertThat(tablet.status().dirty()).isZero();
    }

    @Test
    void aLocalWinsPolicyWritesTheLocalEditDuringTheSync() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet", server.uri(),
                SyncOptions.defaults().withConflictPolicy(ConflictPolicy.localWins()));
        String bookId = bookEditedOnThePhoneSinceTheTabletSynced(phone, tablet);
        tablet.put("books", bookId, book("tablet edit"));

        tablet.syncAll();
        phone.syncAll();

        assertThat(tablet.conflicts()).isEmpty();
        assertThat(phone.get("books", bookId).orElseThrow().version()).isEqualTo(3);
        assertThat(name(phone, "books", bookId)).isEqualTo("tablet edit");
    }

    @Test
    void editsMadeWhileASyncRunsAreNeitherLostNorAppliedTwice() throws Exception {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        List<String> books = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            books.add(newId());
        }
        ExecutorService app = Executors.newSingleThreadExecutor();
        Future<?> writer = app.submit(() -> {
            for (int round = 0; round < 10; round++) {
                for (String id : books) {
                    phone.put("books", id, book("round " + round));
                }
            }
        });
        int syncs = 0;
        while (!writer.isDone()) {
            phone.syncAll(); // another thread of the same app, syncing while the writer edits
            syncs++;
        }
        writer.get(60, TimeUnit.SECONDS);
        app.shutdown();
        phone.syncAll();
        tablet.syncAll();

        assertThat(syncs).isPositive();
        assertThat(phone.status()).extracting(SyncStatus::dirty, SyncStatus::outbox, SyncStatus::conflicts,
                SyncStatus::rejections).containsExactly(0, 0, 0, 0);
        for (String id : books) {
            LocalRecord onPhone = phone.get("books", id).orElseThrow();
            LocalRecord onTablet = tablet.get("books", id).orElseThrow();
            assertThat(onTablet).isEqualTo(onPhone);
            assertThat(onTablet.data().get("name").stringValue()).isEqualTo("round 9");
            assertThat(onTablet.version()).isBetween(1L, 10L);
        }
    }

    @Test
    void aStoreRegistersWithANewAccountOnceAndKeepsItsIdentityWhenReopened() {
        SyncClient first = devices.open("first", SyncOptions.defaults());
        Registration registration = first.registerNewAccount(server.uri(), "Bob", "first", "desktop");

        assertThat(first.isServerReachable()).isTrue();
        assertThatThrownBy(() -> first.register(server.uri(), devices.account().enrollmentKey(), "again", null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("registered already");
        first.close();
        SyncClient reopened = devices.open("first", SyncOptions.defaults());
        assertThat(reopened.registration()).contains(registration);
        assertThat(reopened.status()).extracting(SyncStatus::deviceId, SyncStatus::accountId, SyncStatus::server)
                .containsExactly(registration.deviceId(), registration.accountId(), server.uri().toString());
        assertThat(registration.accountId()).isNotEqualTo(devices.account().accountId());
    }

    @Test
    void aChangeTheServerRefusesIsKeptAsARejectionAndTheRestOfThePushIsApplied() {
        SyncClient phone = devices.device("phone");
        String good = newId();
        String bad = newId();
        phone.put("books", good, book("valid"));
        phone.close();
        // A change this SDK would refuse, as a store written by a laxer (older) version could hold it.
        try (LocalStore store = LocalStore.open(devices.file("phone"))) {
            store.inTransaction(() -> {
                store.records().writeLocal(SyncTable.BOOKS, bad, book(" "));
                store.outbox().insert(newId(), SyncTable.BOOKS, bad, "upsert", null, 0L, "{\"name\":\" \"}",
                        java.time.Instant.now());
                store.records().refreshDirty(SyncTable.BOOKS, bad);
                return null;
            });
        }
        SyncClient reopened = devices.open("phone", SyncOptions.defaults());

        SyncReport report = reopened.syncAll();

        assertThat(report).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::rejected)
                .containsExactly(2, 1, 1);
        assertThat(reopened.get("books", good).orElseThrow().dirty()).isFalse();
        assertThat(reopened.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.recordId()).isEqualTo(bad);
            assertThat(rejection.code()).isEqualTo("invalid_request");
            assertThat(rejection.message()).contains("data.name");
        });
        assertThat(reopened.get("books", bad).orElseThrow().dirty()).isTrue();
        assertThat(reopened.syncAll().pushed()).as("not sent again until edited or resolved").isZero();
    }
}

package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.syncd.client.store.LocalStore;

/**
 * Live sync against the real server: the change stream makes a device pull without being asked, its edits are
 * pushed without being asked, and a restart of the server loses nothing.
 */
class LiveSyncIT {
    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());
    private final List<RemoteChanges.Change> heard = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        devices.close(); // closes each client, and so its live sync
        server.start(); // whatever happened in the test, leave the server up for the next class
    }

    private LiveSync live(SyncClient device) {
        device.addRemoteChangeListener(changes -> heard.addAll(changes.changes()));
        LiveSync live = device.startLive();
        await().atMost(Duration.ofSeconds(10)).until(() -> live.mode() == LiveSync.Mode.STREAM);
        return live;
    }

    private static String name(SyncClient device, String id) {
        return device.get("books", id).orElseThrow().data().get("name").stringValue();
    }

    @Test
    void aLiveDeviceHearsAnotherDevicesChangeWithinASecondWithoutSyncing() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        live(phone);

        String bookId = newId();
        tablet.put("books", bookId, book("from the tablet"));
        tablet.syncAll();

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> heard.stream().anyMatch(change -> change.recordId().equals(bookId)));
        assertThat(heard).containsExactly(new RemoteChanges.Change("books", bookId, 1, false));
        assertThat(name(phone, bookId)).isEqualTo("from the tablet");
        assertThat(phone.get("books", bookId).orElseThrow().dirty()).isFalse();

        tablet.delete("books", bookId);
        tablet.syncAll();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> phone.get("books", bookId).orElseThrow().deleted());
        assertThat(heard).last().isEqualTo(new RemoteChanges.Change("books", bookId, 2, true));
    }

    @Test
    void aLiveDeviceEndsWithTheLastVersionsOfManyQuickEdits() throws Exception {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        // The app's first listener call is held until the edits below are done: they are all announced while a pull
        // is under way (its listeners run on the pulling thread), so only "one more pull after it" brings them.
        CountDownLatch inPull = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        phone.addRemoteChangeListener(changes -> {
            inPull.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        live(phone);
        List<String> ids = List.of(newId(), newId(), newId());

        for (int round = 1; round <= 15; round++) {
            for (String id : ids) {
                tablet.put("books", id, book(id + " edit " + round));
            }
            tablet.syncAll();
            if (round == 1) {
                assertThat(inPull.await(5, TimeUnit.SECONDS)).isTrue();
            }
        }
        release.countDown();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (String id : ids) {
                LocalRecord mine = phone.get("books", id).orElseThrow();
                assertThat(mine.version()).isEqualTo(15);
                assertThat(name(phone, id)).isEqualTo(id + " edit 15");
            }
        });
        assertThat(heard).allSatisfy(change -> assertThat(ids).contains(change.recordId()));
    }

    @Test
    void aLiveDevicesLocalEditReachesAnotherDeviceWithoutAPushAndIsNotHeardAsARemoteChange() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        live(phone);

        String bookId = newId();
        phone.put("books", bookId, book("from the live phone"));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            tablet.pullChanges();
            return tablet.get("books", bookId).isPresent();
        });
        assertThat(name(tablet, bookId)).isEqualTo("from the live phone");
        assertThat(phone.status()).extracting(SyncStatus::dirty, SyncStatus::outbox).containsExactly(0, 0);

        // The phone's own change comes back through the stream too; a later remote change shows that pull is done.
        String tabletBook = newId();
        tablet.put("books", tabletBook, book("from the tablet"));
        tablet.syncAll();
        await().atMost(Duration.ofSeconds(2)).until(() -> phone.get("books", tabletBook).isPresent());
        assertThat(heard).extracting(RemoteChanges.Change::recordId).containsExactly(tabletBook);
    }

    @Test
    void afterTheServerRestartsALiveDeviceCatchesUpAndPushesWhatItEditedMeanwhile() throws Exception {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        LiveSync live = live(phone);
        String before = newId();
        tablet.put("books", before, book("before the restart"));
        tablet.syncAll();
        await().atMost(Duration.ofSeconds(2)).until(() -> phone.get("books", before).isPresent());
        String eventIdBefore = storedEventId("phone");
        assertThat(eventIdBefore).as("the stream's event id, kept for a reconnect or a restarted app").isNotNull();

        server.stop();
        String offline = newId();
        phone.put("books", offline, book("edited while the server was down"));
        await().atMost(Duration.ofSeconds(30)).until(() -> live.mode() != LiveSync.Mode.STREAM);
        assertThat(phone.get("books", offline).orElseThrow().dirty()).isTrue();
        server.start();

        List<String> during = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = newId();
            during.add(id);
            tablet.put("books", id, book("pushed after the restart " + i));
        }
        tablet.syncAll();

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> during.stream().allMatch(id -> phone.get("books", id).isPresent()));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            tablet.pullChanges();
            return tablet.get("books", offline).isPresent();
        });
        assertThat(name(tablet, offline)).isEqualTo("edited while the server was down");
        assertThat(phone.status()).extracting(SyncStatus::dirty, SyncStatus::outbox).containsExactly(0, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> live.mode() == LiveSync.Mode.STREAM);
        assertThat(phone.list("books")).hasSize(5);
    }

    @Test
    void closeEndsTheThreadsAndKeepsAnUnpushedEditDirty() {
        SyncClient phone = devices.device("phone");
        LiveSync live = phone.startLive(LiveOptions.defaults().withPushDelay(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> live.mode() == LiveSync.Mode.STREAM);
        String bookId = newId();
        phone.put("books", bookId, book("not pushed before close"));

        live.close();

        assertThat(liveThreads()).isEmpty();
        assertThat(phone.get("books", bookId).orElseThrow().dirty()).isTrue();
        assertThat(phone.status().outbox()).isEqualTo(1);
        assertThat(phone.syncAll().applied()).isEqualTo(1);
        LiveSync again = phone.startLive(); // one at a time: the closed one is gone
        again.close();
        assertThat(liveThreads()).isEmpty();
    }

    @Test
    void aRestartedAppResumesTheStreamWithItsStoredEventIdAndPullsNothingWhenUpToDate() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        LiveSync first = live(phone);
        String bookId = newId();
        tablet.put("books", bookId, book("heard before the app stopped"));
        tablet.syncAll();
        await().atMost(Duration.ofSeconds(2)).until(() -> storedEventId("phone") != null
                && phone.get("books", bookId).isPresent());
        first.close();
        phone.close();
        SyncClient restarted = devices.open("phone", SyncOptions.defaults().withRetries(Devices.QUICK_RETRIES));
        java.time.Instant lastPull = restarted.status().lastSyncAt();
        LiveSync again = restarted.startLive();
        await().atMost(Duration.ofSeconds(10)).until(() -> again.mode() == LiveSync.Mode.STREAM);
        // ready: resumed, nothing to pull (a changed event would make a pull, and move the last sync, within this)
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .until(() -> java.util.Objects.equals(restarted.status().lastSyncAt(), lastPull));

        String later = newId();
        tablet.put("books", later, book("after the restart"));
        tablet.syncAll();
        await().atMost(Duration.ofSeconds(2)).until(() -> restarted.get("books", later).isPresent());
        assertThat(restarted.status().lastSyncAt()).isAfter(lastPull);
    }

    private static List<String> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("syncd-live-")).toList();
    }

    private String storedEventId(String device) {
        // The live client holds the file open; SQLite lets a second connection read it.
        try (LocalStore store = LocalStore.openExisting(devices.file(device))) {
            return store.inTransaction(() -> store.metadata().lastEventId().orElse(null));
        }
    }
}

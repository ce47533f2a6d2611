package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live sync where the stream cannot be opened: a server that holds no streams at all ({@code max-connections=0}
 * answers 503 to each) leaves the long-poll ({@code wait_ms}), which still brings changes within moments.
 */
class LiveFallbackIT {
    private static ServerProcess server;
    private Devices devices;

    @BeforeAll
    static void start() {
        server = ServerProcess.dedicated(null, "--sync.stream.max-connections=0");
    }

    @AfterAll
    static void stop() {
        server.stop();
        server.delete();
    }

    @AfterEach
    void close() {
        if (devices != null) {
            devices.close();
        }
    }

    @Test
    void withoutAStreamALiveDeviceLongPollsAndStillGetsChangesWithinMoments() {
        devices = new Devices(server.uri());
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        List<RemoteChanges.Change> heard = new CopyOnWriteArrayList<>();
        phone.addRemoteChangeListener(changes -> heard.addAll(changes.changes()));
        LiveSync live = phone.startLive();
        await().atMost(Duration.ofSeconds(10)).until(() -> live.mode() == LiveSync.Mode.LONG_POLL);
        // Whether the first long-poll is held by now or not: it is woken by the change, or finds it when it looks.

        for (int i = 1; i <= 3; i++) {
            String bookId = newId();
            tablet.put("books", bookId, book("from the tablet " + i));
            tablet.syncAll();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> phone.get("books", bookId).isPresent());
            assertThat(heard).extracting(RemoteChanges.Change::recordId).contains(bookId);
        }
        assertThat(live.mode()).isEqualTo(LiveSync.Mode.LONG_POLL);

        String phoneBook = newId();
        phone.put("books", phoneBook, book("from the long-polling phone"));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            tablet.pullChanges();
            return tablet.get("books", phoneBook).isPresent();
        });

        long closing = System.nanoTime();
        live.close(); // a long-poll is held meanwhile: close must not wait it out
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aLongPollingDeviceFollowsItsBooks() {
        devices = new Devices(server.uri());
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String a = newId();
        String b = newId();
        tablet.put("books", a, book("A"));
        tablet.put("books", b, book("B"));
        tablet.syncAll();
        phone.subscribeBooks(SelectiveSyncIT.books(a));
        LiveSync live = phone.startLive();
        await("long-poll").atMost(Duration.ofSeconds(10)).until(() -> live.mode() == LiveSync.Mode.LONG_POLL);

        String inB = newId();
        String inA = newId();
        tablet.put("events", inB, Records.event(b, "in B"));
        tablet.syncAll();
        tablet.put("events", inA, Records.event(a, "in A"));
        tablet.syncAll();

        await("the event in A").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> phone.get("events", inA).isPresent());
        assertThat(phone.get("events", inB)).isEmpty();
        assertThat(phone.list("books")).hasSize(2);
        live.close();
    }
}

package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server process stops (as in a deployment or a crash) while devices keep working offline; started again on the
 * same data folder and port, the next sync delivers everything.
 */
class ServerOutageIT {
    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());

    @AfterEach
    void close() {
        devices.close();
        server.start(); // whatever happened in the test, leave the server up for the next class
    }

    @Test
    void whileTheServerIsDownSyncReportsUnreachableLosesNothingAndTheNextSyncDeliversEverything() {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        phone.put("books", bookId, book("Clinic A"));
        phone.syncAll();
        tablet.syncAll();
        assertThat(phone.isServerReachable()).isTrue();

        server.stop();

        String eventId = newId();
        String tabletBook = newId();
        phone.put("events", eventId, event(bookId, "booked during the outage"));
        phone.put("books", bookId, book("Clinic A, renamed during the outage"));
        tablet.put("books", tabletBook, book("from the tablet, during the outage"));
        assertThat(phone.isServerReachable()).isFalse();
        assertThatThrownBy(phone::syncAll).isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("cannot connect");
        assertThatThrownBy(tablet::syncAll).isInstanceOf(ServerUnreachableException.class);
        assertThat(phone.status()).extracting(SyncStatus::outbox, SyncStatus::dirty).containsExactly(2, 2);
        assertThat(phone.get("events", eventId).orElseThrow().data().get("name").stringValue())
                .isEqualTo("booked during the outage");

        server.start();

        assertThat(phone.isServerReachable()).isTrue();
        assertThat(phone.syncAll()).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::pending)
                .containsExactly(2, 2, 0);
        assertThat(tablet.syncAll()).extracting(SyncReport::applied, SyncReport::pulled).containsExactly(1, 3);
        phone.syncAll();
        for (SyncClient device : java.util.List.of(phone, tablet)) {
            assertThat(device.status()).extracting(SyncStatus::outbox, SyncStatus::dirty, SyncStatus::conflicts)
                    .containsExactly(0, 0, 0);
            assertThat(device.list("books")).hasSize(2);
            assertThat(device.get("books", bookId).orElseThrow().version()).isEqualTo(2);
            assertThat(device.get("events", eventId).orElseThrow().version()).isEqualTo(1);
        }
    }
}

package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An edit naming another book than the event's is rejected {@code immutable_field} by the real server: the SDK keeps
 * it as a rejection naming the field, with the local data, until the app drops it or moves the event by delete and
 * create (PROTOCOL.md, "Parents are fixed at creation").
 */
class FixedParentsIT {
    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());

    @AfterEach
    void close() {
        devices.close();
    }

    @Test
    void anEventEditedIntoAnotherBookIsARejectionNamingTheFieldAndAMoveIsADeleteAndACreate() {
        SyncClient phone = devices.device("phone");
        String bookA = newId();
        String bookB = newId();
        String eventId = newId();
        phone.put("books", bookA, book("A"));
        phone.put("books", bookB, book("B"));
        phone.put("events", eventId, event(bookA, "check-up"));
        assertThat(phone.syncAll().applied()).isEqualTo(3);

        phone.put("events", eventId, event(bookB, "check-up, in B"));
        SyncReport report = phone.syncAll();

        assertThat(report.rejected()).isEqualTo(1);
        assertThat(phone.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.code()).isEqualTo("immutable_field");
            assertThat(rejection.field()).isEqualTo("book_id");
            assertThat(rejection.recordId()).isEqualTo(eventId);
            assertThat(rejection.localData().get("book_id").stringValue()).isEqualTo(bookB);
        });
        assertThat(phone.get("events", eventId).orElseThrow().dirty()).isTrue();

        ChangeResult dropped = phone.resolve(phone.rejections().get(0).changeId(), Resolution.USE_SERVER, null);
        assertThat(dropped.status()).isEqualTo("applied");
        assertThat(phone.get("events", eventId).orElseThrow().data().get("book_id").stringValue()).isEqualTo(bookA);

        String moved = newId();
        phone.delete("events", eventId);
        phone.put("events", moved, event(bookB, "check-up, in B"));
        assertThat(phone.syncAll().applied()).isEqualTo(2);
        assertThat(phone.rejections()).isEmpty();

        SyncClient tablet = devices.device("tablet");
        tablet.syncAll();
        assertThat(tablet.get("events", eventId)).isEmpty();
        assertThat(tablet.get("events", moved).orElseThrow().data().get("book_id").stringValue()).isEqualTo(bookB);
    }
}

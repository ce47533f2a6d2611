package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.drawing;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.note;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A new device's first sync of a large account: 10,000 records in each of the four tables. Prints the times. */
class InitialSyncIT {
    private static final int PER_TABLE = 10_000;
    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());

    @AfterEach
    void close() {
        devices.close();
    }

    @Test
    void aFreshDevicePullsTenThousandRecordsPerTable() {
        SyncClient seeder = devices.device("seeder");
        long start = System.nanoTime();
        List<String> books = new ArrayList<>();
        seeder.batch(batch -> {
            for (int i = 0; i < PER_TABLE; i++) {
                String bookId = UUID.randomUUID().toString();
                String eventId = UUID.randomUUID().toString();
                books.add(bookId);
                batch.put("books", bookId, book("Book " + i));
                batch.put("events", eventId, event(bookId, "Event " + i));
                batch.put("notes", UUID.randomUUID().toString(), note(eventId));
                batch.put("schedule_drawings", UUID.randomUUID().toString(), drawing(bookId));
            }
        });
        long written = System.nanoTime();
        SyncReport seeded = seeder.pushChanges();
        long pushed = System.nanoTime();
        assertThat(seeded).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::rejected,
                SyncReport::pending).containsExactly(4 * PER_TABLE, 4 * PER_TABLE, 0, 0);

        SyncClient fresh = devices.device("fresh");
        long pullStart = System.nanoTime();
        SyncReport pulled = fresh.syncAll();
        long pullEnd = System.nanoTime();

        assertThat(pulled.pulled()).isEqualTo(4 * PER_TABLE);
        for (String table : List.of("books", "events", "notes", "schedule_drawings")) {
            assertThat(fresh.list(table)).as(table).hasSize(PER_TABLE)
                    .allSatisfy(r -> assertThat(r.version()).isEqualTo(1));
        }
        assertThat(fresh.get("books", books.get(PER_TABLE - 1)).orElseThrow().data().get("name").stringValue())
                .isEqualTo("Book " + (PER_TABLE - 1));
        assertThat(fresh.status()).extracting(SyncStatus::dirty, SyncStatus::outbox).containsExactly(0, 0);
        System.out.printf("initial sync of %,d records: local writes %d ms, push %d ms (40 requests of 1000),"
                        + " fresh device's pull %d ms (pages of %d)%n", 4 * PER_TABLE, (written - start) / 1_000_000,
                (pushed - written) / 1_000_000, (pullEnd - pullStart) / 1_000_000,
                SyncOptions.defaults().pullPageSize());
    }
}

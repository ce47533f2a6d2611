package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.drawing;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static io.syncd.client.Records.note;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Three devices edit offline while each subscribes to a different, changing set of books; in the end every store
 * holds exactly the server's state restricted to its books. The run's seed is printed; {@code -Dselective.seed=N}
 * runs it again.
 */
class SelectiveSyncConvergenceIT {
    private static final int BOOKS = 6;
    private static final int ROUNDS = 8;

    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());
    private final List<String> bookIds = new ArrayList<>();
    private Random random;
    private int edits;

    @AfterEach
    void close() {
        devices.close();
    }

    /** An event created just before its book was unsubscribed: its push must reach the server all the same. */
    private record EditBeforeLeaving(SyncClient device, String bookId, String eventId, String name) {
    }

    @Test
    void threeDevicesWithChangingBookSetsEndEachEqualToTheServerRestrictedToItsBooks() {
        long seed = Long.getLong("selective.seed", System.nanoTime());
        System.out.println("SelectiveSyncConvergenceIT seed=" + seed);
        random = new Random(seed);
        // Concurrent edits of one record are settled by the policy, so no conflict is left for an app to resolve.
        SyncOptions localWins = SyncOptions.defaults().withConflictPolicy(ConflictPolicy.localWins());
        SyncClient seeder = devices.device("seeder", server.uri(), SyncOptions.defaults());
        seed(seeder);
        List<SyncClient> phones = new ArrayList<>();
        for (String name : List.of("phone", "tablet", "laptop")) {
            SyncClient device = devices.device(name, server.uri(), localWins);
            if (random.nextBoolean()) {
                device.subscribeBooks(randomBooks());
            }
            device.syncAll();
            phones.add(device);
        }

        for (int round = 0; round < ROUNDS; round++) {
            List<EditBeforeLeaving> leaving = new ArrayList<>();
            for (SyncClient device : phones) {
                editOffline(device);
                changeBooks(device, leaving);
            }
            List<SyncClient> order = new ArrayList<>(phones);
            Collections.shuffle(order, random);
            for (SyncClient device : order) {
                device.syncAll();
            }
            seeder.syncAll();
            for (EditBeforeLeaving edit : leaving) {
                assertThat(seeder.get("events", edit.eventId())).as("round %d: pushed before its book left", round)
                        .hasValueSatisfying(e -> assertThat(e.data().get("name").stringValue()).isEqualTo(edit.name()));
                boolean kept = edit.device().pendingBookRemovals().stream()
                        .anyMatch(p -> p.bookId().equals(edit.bookId()));
                if (!kept) {
                    assertThat(edit.device().get("events", edit.eventId())).as("dropped once decided").isEmpty();
                }
            }
        }

        settle(phones);
        SyncClient fresh = devices.device("fresh", server.uri(), SyncOptions.defaults());
        fresh.syncAll();
        Map<String, String> bookOfEvent = fresh.list("events").stream().collect(Collectors.toMap(
                LocalRecord::recordId, e -> e.data().get("book_id").stringValue()));
        for (SyncClient device : phones) {
            Set<String> chosen = device.subscribedBooks()
                    .map(ids -> ids.stream().map(UUID::toString).collect(Collectors.toSet())).orElse(null);
            for (SyncTable table : SyncTable.values()) {
                Map<String, LocalRecord> expected = byId(fresh.list(table.wireName()).stream()
                        .filter(r -> inBooks(chosen, table, r, bookOfEvent)).toList());
                Map<String, LocalRecord> actual = byId(device.list(table.wireName()));
                assertThat(actual).as("%s of %s (books %s, seed %d): %s", table.wireName(),
                        device.registration().orElseThrow(), chosen == null ? "all" : chosen, seed,
                        difference(expected, actual)).isEqualTo(expected);
            }
        }
        System.out.println("SelectiveSyncConvergenceIT: " + edits + " offline edits, records on the server: "
                + fresh.list("events").size() + " events, " + fresh.list("notes").size() + " notes, "
                + fresh.list("schedule_drawings").size() + " drawings");
    }

    private void seed(SyncClient seeder) {
        seeder.batch(batch -> {
            for (int i = 0; i < BOOKS; i++) {
                String bookId = newId();
                bookIds.add(bookId);
                batch.put("books", bookId, book("book " + i));
                for (int j = 0; j < 2; j++) {
                    String eventId = newId();
                    batch.put("events", eventId, event(bookId, "event " + i + "." + j));
                    batch.put("notes", newId(), note(eventId));
                }
                batch.put("schedule_drawings", newId(), drawing(bookId));
            }
        });
        seeder.syncAll();
    }

    /**
     * One to four random edits of what the device has. Events are deleted only by a move (a delete and a create), so
     * few edits lose their parent; those that do are rejected and settled at the end.
     */
    private void editOffline(SyncClient device) {
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            List<LocalRecord> events = device.list("events");
            List<LocalRecord> notes = device.list("notes");
            List<LocalRecord> drawings = device.list("schedule_drawings");
            List<String> synced = syncedBooks(device);
            String name = "edit " + (++edits);
            switch (random.nextInt(8)) {
                case 0 -> pick(events).ifPresent(e -> device.put("events", e.recordId(),
                        event(e.data().get("book_id").stringValue(), name)));
                case 1 -> pick(synced).ifPresent(b -> device.put("events", newId(), event(b, name)));
                case 2 -> pick(events).ifPresent(e -> device.put("notes", newId(), note(e.recordId())));
                case 3 -> pick(notes).ifPresent(n -> {
                    ObjectNode data = n.data().deepCopy();
                    data.withArray("strokes").addArray().add(edits);
                    device.put("notes", n.recordId(), data);
                });
                case 4 -> pick(random.nextBoolean() ? notes : drawings)
                        .ifPresent(r -> device.delete(r.table(), r.recordId()));
                case 5 -> pick(synced).ifPresent(b -> device.put("schedule_drawings", newId(), drawing(b)));
                case 6 -> pick(bookIds).ifPresent(b -> device.put("books", b, book(name)));
                default -> pick(events).ifPresent(e -> pick(synced).filter(b -> !b.equals(e.data().get("book_id")
                        .stringValue())).filter(b -> device.conflicts().isEmpty() && device.rejections().isEmpty())
                        .ifPresent(b -> device.moveEvent(e.recordId(), b)));
            }
        }
    }

    /** Now and then: edit a book and leave it at once, subscribe to other books, or go back to every book. */
    private void changeBooks(SyncClient device, List<EditBeforeLeaving> leaving) {
        int choice = random.nextInt(10);
        if (choice < 3) {
            pick(syncedBooks(device)).ifPresent(bookId -> {
                String eventId = newId();
                String name = "made just before leaving " + (++edits);
                device.put("events", eventId, event(bookId, name));
                device.list("events").stream().filter(e -> e.data().get("book_id").stringValue().equals(bookId))
                        .filter(e -> !e.recordId().equals(eventId)).findFirst()
                        .ifPresent(e -> device.put("events", e.recordId(), event(bookId, "edited before leaving")));
                device.unsubscribeBooks(Set.of(UUID.fromString(bookId)));
                leaving.add(new EditBeforeLeaving(device, bookId, eventId, name));
            });
        } else if (choice < 6) {
            device.subscribeBooks(randomBooks()); // while every book is synced: exactly these
        } else if (choice < 7) {
            device.syncAllBooks();
        }
    }

    /** Syncs until no device has anything left to push, resolve or drop (a rejection takes the server's side). */
    private static void settle(List<SyncClient> phones) {
        for (int pass = 0; pass < 10; pass++) {
            for (SyncClient device : phones) {
                device.syncAll();
                for (Rejection rejection : device.rejections()) {
                    device.resolve(rejection.changeId(), Resolution.USE_SERVER, null);
                }
            }
            boolean settled = phones.stream().map(SyncClient::status).allMatch(s -> s.outbox() == 0 && s.dirty() == 0
                    && s.conflicts() == 0 && s.rejections() == 0 && s.booksPendingRemoval().isEmpty());
            if (settled) {
                phones.forEach(SyncClient::syncAll); // each takes the others' last changes
                return;
            }
        }
        throw new AssertionError("the devices did not settle: " + phones.stream().map(SyncClient::status).toList());
    }

    private static boolean inBooks(Set<String> chosen, SyncTable table, LocalRecord record,
                                   Map<String, String> bookOfEvent) {
        if (chosen == null) {
            return true;
        }
        return switch (table) {
            case BOOKS -> true;
            case EVENTS, SCHEDULE_DRAWINGS -> chosen.contains(record.data().get("book_id").stringValue());
            case NOTES -> chosen.contains(bookOfEvent.get(record.data().get("event_id").stringValue()));
        };
    }

    private List<String> syncedBooks(SyncClient device) {
        return device.subscribedBooks()
                .map(ids -> ids.stream().map(UUID::toString).sorted().toList())
                .orElse(bookIds);
    }

    private Set<UUID> randomBooks() {
        Set<UUID> chosen = new HashSet<>();
        for (String bookId : bookIds) {
            if (random.nextInt(3) == 0) {
                chosen.add(UUID.fromString(bookId));
            }
        }
        return chosen;
    }

    private <T> Optional<T> pick(List<T> items) {
        return items.isEmpty() ? Optional.empty() : Optional.of(items.get(random.nextInt(items.size())));
    }

    /** What differs, for the failure message: records missing, extra, or at another version or data. */
    private static String difference(Map<String, LocalRecord> expected, Map<String, LocalRecord> actual) {
        StringBuilder text = new StringBuilder();
        expected.forEach((id, record) -> {
            if (!record.equals(actual.get(id))) {
                text.append("\n expected ").append(record).append("\n      got ").append(actual.get(id));
            }
        });
        actual.keySet().stream().filter(id -> !expected.containsKey(id))
                .forEach(id -> text.append("\n    extra ").append(actual.get(id)));
        return text.toString();
    }

    private static Map<String, LocalRecord> byId(List<LocalRecord> records) {
        return records.stream().collect(Collectors.toMap(LocalRecord::recordId, Function.identity(), (a, b) -> a,
                LinkedHashMap::new));
    }
}

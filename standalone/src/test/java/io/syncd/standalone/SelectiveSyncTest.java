package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.delete;
import static io.syncd.standalone.Api.drawing;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.note;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code "books"} on pull (PROTOCOL.md, "Selective sync"): a device gets the records of the books it chose (and every
 * book record), adds a book and gets it backfilled with nothing skipped and nothing twice, drops one and hears no
 * more of it — also while other devices write to those books all the while.
 */
class SelectiveSyncTest {
    private final Api api = TestServer.api();

    /** A book with an event, a note of it and a drawing. */
    private record Book(UUID id, UUID event, UUID note, UUID drawing) {
        Set<UUID> records() {
            return Set.of(id, event, note, drawing);
        }
    }

    private Book bookWithRecords(Api.Device device, String name) {
        Book book = new Book(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        Api.Response answer = api.push(device, upsert("books", book.id(), 0, book(name)),
                upsert("events", book.event(), 0, event(book.id(), name + " event")),
                upsert("notes", book.note(), 0, note(book.event())),
                upsert("schedule_drawings", book.drawing(), 0, drawing(book.id())));
        assertApplied(answer);
        return book;
    }

    @Test
    void aFilteredPullReturnsEveryBookAndOnlyTheChosenBooksOtherRecords() {
        Api.Device device = api.newDevice();
        Book a = bookWithRecords(device, "A");
        Book b = bookWithRecords(device, "B");
        Book c = bookWithRecords(device, "C");

        Chain chain = new Chain(device, 500).pullToEnd(Set.of(a.id()));

        assertThat(chain.state.keySet()).containsExactlyInAnyOrderElementsOf(
                union(a.records(), Set.of(b.id(), c.id())));
        assertThat(new Chain(device, 500).pullToEnd(Set.of()).state.keySet()).as("an empty set: the books alone")
                .containsExactlyInAnyOrder(a.id(), b.id(), c.id());
    }

    @Test
    void anAddedBookIsBackfilledAndARemovedOneIsNoLongerReturned() {
        Api.Device device = api.newDevice();
        Book a = bookWithRecords(device, "A");
        Book b = bookWithRecords(device, "B");
        assertApplied(api.push(device, upsert("events", UUID.randomUUID(), 0, event(a.id(), "after B's records"))));
        Chain chain = new Chain(device, 2).pullToEnd(Set.of(a.id()));
        assertThat(chain.state.keySet()).doesNotContain(b.event(), b.note(), b.drawing());

        chain.pullToEnd(Set.of(a.id(), b.id()));
        assertThat(chain.state.keySet()).as("B backfilled").containsAll(b.records());

        chain.pullToEnd(Set.of(a.id()));
        UUID laterEvent = UUID.randomUUID();
        assertApplied(api.push(device, upsert("events", laterEvent, 0, event(b.id(), "after B was dropped"))));
        UUID laterInA = UUID.randomUUID();
        assertApplied(api.push(device, upsert("events", laterInA, 0, event(a.id(), "A goes on"))));
        List<JsonNode> afterRemoval = chain.page(Set.of(a.id()));
        assertThat(afterRemoval).extracting(r -> r.get("record_id").stringValue())
                .containsExactly(laterInA.toString());

        chain.pullToEnd(Set.of(a.id(), b.id()));
        assertThat(chain.returnedAgain(b.event())).as("added again: backfilled again").isTrue();
        assertThat(chain.state.keySet()).contains(laterEvent);
    }

    @Test
    void aCursorOfEveryBookTakesASetAndGoesBackToEveryBook() {
        Api.Device device = api.newDevice();
        Book a = bookWithRecords(device, "A");
        Book b = bookWithRecords(device, "B");
        Chain chain = new Chain(device, 3).pullToEnd(null);
        assertThat(chain.state.keySet()).containsAll(union(a.records(), b.records()));

        UUID inB = UUID.randomUUID();
        assertApplied(api.push(device, upsert("events", inB, 0, event(b.id(), "while only A"))));
        chain.pullToEnd(Set.of(a.id()));
        assertThat(chain.received).doesNotContain(inB);

        Book c = bookWithRecords(device, "C, made while only A");
        chain.pullToEnd(null);
        assertThat(chain.state.keySet()).as("every other book backfilled, also one made meanwhile")
                .contains(inB).containsAll(c.records());
        assertThat(chain.duplicates()).isEmpty();
    }

    @Test
    void aBackfillMissesNothingAndReturnsNothingTwiceWhileOtherDevicesWrite() throws Exception {
        Random random = new Random(20261207L);
        for (int round = 0; round < 4; round++) {
            Api.Device reader = api.newDevice();
            Api.Device writer = api.sibling(reader);
            Api.Device other = api.sibling(reader);
            List<Book> books = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                books.add(bookWithRecords(writer, "book " + i));
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            CompletableFuture<Void> writers = CompletableFuture.allOf(
                    CompletableFuture.runAsync(() -> write(writer, books, new Random(random.nextLong()), writing)),
                    CompletableFuture.runAsync(() -> write(other, books, new Random(random.nextLong()), writing)));

            Chain chain = new Chain(reader, 1 + random.nextInt(5));
            Set<UUID> chosen = new HashSet<>(Set.of(books.get(0).id()));
            for (int step = 0; step < 12; step++) {
                if (random.nextInt(3) == 0) {
                    UUID book = books.get(random.nextInt(books.size())).id();
                    if (!chosen.remove(book)) {
                        chosen.add(book);
                    }
                }
                chain.page(chosen);
            }
            Set<UUID> last = Set.of(books.get(0).id(), books.get(1).id(), books.get(2).id());
            writing.set(false);
            writers.get(60, TimeUnit.SECONDS);
            chain.pullToEnd(last);

            Map<UUID, JsonNode> server = new Chain(api.sibling(reader), 500).pullToEnd(null).state;
            assertThat(chain.state).as("round %d: the state of books %s", round, last)
                    .isEqualTo(restrictedTo(server, last));
            assertThat(chain.duplicates()).as("round %d: returned twice", round).isEmpty();
        }
    }

    @Test
    void aHeldPullOfSomeBooksIsNotWokenByAnotherBooksChange() throws Exception {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        Book a = bookWithRecords(phone, "A");
        Book b = bookWithRecords(phone, "B");
        Chain chain = new Chain(phone, 500).pullToEnd(Set.of(a.id()));
        ObjectNode body = chain.body(Set.of(a.id()));
        body.put("wait_ms", 1500);

        long start = System.nanoTime();
        CompletableFuture<Api.Response> held = CompletableFuture.supplyAsync(
                () -> api.post("/api/sync/pull", phone.token(), body));
        assertApplied(api.push(tablet, upsert("events", UUID.randomUUID(), 0, event(b.id(), "in B"))));
        Api.Response answer = held.get(15, TimeUnit.SECONDS);

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body().get("changes")).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void booksMustBeAnArrayOfAtMostAThousandBookIds() {
        Api.Device device = api.newDevice();
        ArrayNode tooMany = Json.MAPPER.createArrayNode();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(UUID.randomUUID().toString());
        }
        Map<String, String> cases = Map.of(
                "\"" + UUID.randomUUID() + "\"", "books",
                "[\"not an id\"]", "books[0]",
                "[\"" + UUID.randomUUID() + "\", 7]", "books[1]",
                tooMany.toString(), "books");
        cases.forEach((books, field) -> {
            Api.Response response = api.post("/api/sync/pull", device.token(), "{\"cursor\":null,\"books\":" + books
                    + "}");
            assertThat(response.status()).as(response.text()).isEqualTo(400);
            assertThat(response.code()).isEqualTo("invalid_request");
            assertThat(response.body().get("errors")).extracting(e -> e.get("field").stringValue())
                    .containsExactly(field);
        });
    }

    /** Edits, creates and deletes records of the books until told to stop. */
    private void write(Api.Device device, List<Book> books, Random random, AtomicBoolean writing) {
        Map<UUID, Long> versions = new HashMap<>();
        List<UUID[]> events = new ArrayList<>(); // {event, book}
        while (writing.get()) {
            Book book = books.get(random.nextInt(books.size()));
            int what = random.nextInt(4);
            if (what == 0 || events.isEmpty()) {
                UUID id = UUID.randomUUID();
                if (applied(api.push(device, upsert("events", id, 0, event(book.id(), "new"))))) {
                    events.add(new UUID[] {id, book.id()});
                    versions.put(id, 1L);
                }
            } else if (what == 1) {
                UUID[] picked = events.get(random.nextInt(events.size()));
                applied(api.push(device, upsert("notes", UUID.randomUUID(), 0, note(picked[0]))));
            } else if (what == 2) {
                UUID[] picked = events.remove(random.nextInt(events.size()));
                applied(api.push(device, delete("events", picked[0], versions.get(picked[0]))));
            } else {
                // Both writers edit the books' drawings: a conflict tells the version the other one made.
                long base = versions.getOrDefault(book.drawing(), 1L);
                JsonNode result = api.push(device, upsert("schedule_drawings", book.drawing(), base,
                        drawing(book.id()))).body().get("results").get(0);
                versions.put(book.drawing(), "applied".equals(result.get("status").stringValue())
                        ? result.get("version").longValue() : result.get("server_record").get("version").longValue());
            }
        }
    }

    private static boolean applied(Api.Response answer) {
        return answer.status() == 200 && "applied".equals(answer.body().get("results").get(0).get("status")
                .stringValue());
    }

    private static void assertApplied(Api.Response answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        answer.body().get("results").forEach(result -> assertThat(result.get("status").stringValue())
                .as(result.toString()).isEqualTo("applied"));
    }

    /** The live records of an account that a device of these books holds: every book, the books' other records. */
    private static Map<UUID, JsonNode> restrictedTo(Map<UUID, JsonNode> all, Set<UUID> books) {
        Map<UUID, JsonNode> kept = new HashMap<>();
        all.forEach((id, record) -> {
            UUID book = bookOf(record, all);
            if (book == null || books.contains(book)) {
                kept.put(id, record);
            }
        });
        return kept;
    }

    private static UUID bookOf(JsonNode record, Map<UUID, JsonNode> all) {
        JsonNode data = record.get("data");
        return switch (record.get("table").stringValue()) {
            case "books" -> null;
            case "notes" -> {
                JsonNode event = all.get(UUID.fromString(data.get("event_id").stringValue()));
                yield event == null ? null : UUID.fromString(event.get("data").get("book_id").stringValue());
            }
            default -> UUID.fromString(data.get("book_id").stringValue());
        };
    }

    private static Set<UUID> union(Set<UUID> a, Set<UUID> b) {
        Set<UUID> union = new LinkedHashSet<>(a);
        union.addAll(b);
        return union;
    }

    /** A device's pull chain and the state it builds: live records by id. */
    private final class Chain {
        private final Api.Device device;
        private final int limit;
        private final Map<UUID, JsonNode> state = new HashMap<>();
        private final List<UUID> received = new ArrayList<>();
        /** Each record version returned, with its book; those of a dropped book are forgotten with it. */
        private final Map<String, UUID> seen = new HashMap<>();
        private final Set<String> duplicates = new HashSet<>();
        private String cursor;

        Chain(Api.Device device, int limit) {
            this.device = device;
            this.limit = limit;
        }

        ObjectNode body(Set<UUID> books) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (cursor == null) {
                body.putNull("cursor");
            } else {
                body.put("cursor", cursor);
            }
            body.put("limit", limit);
            if (books != null) {
                ArrayNode list = body.putArray("books");
                books.forEach(id -> list.add(id.toString()));
            }
            return body;
        }

        /** One page with these books (null = every book); applies it; returns its records. */
        List<JsonNode> page(Set<UUID> books) {
            Api.Response response = api.post("/api/sync/pull", device.token(), body(books));
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            List<JsonNode> records = new ArrayList<>();
            response.body().get("changes").forEach(records::add);
            for (JsonNode record : records) {
                UUID id = UUID.fromString(record.get("record_id").stringValue());
                received.add(id);
                String version = id + "@" + record.get("version").longValue();
                if (seen.containsKey(version)) {
                    duplicates.add(version);
                }
                seen.put(version, record.get("is_deleted").booleanValue() ? null : bookOf(record, state));
                if (record.get("is_deleted").booleanValue()) {
                    state.remove(id);
                } else {
                    state.put(id, record);
                }
            }
            cursor = response.body().get("cursor").stringValue();
            hasMore = response.body().get("has_more").booleanValue();
            if (books != null) {
                // What the device drops itself when it removes a book from its set.
                Map<UUID, UUID> bookOfRecord = new HashMap<>();
                state.forEach((id, record) -> bookOfRecord.put(id, bookOf(record, state)));
                state.keySet().removeIf(id -> bookOfRecord.get(id) != null && !books.contains(bookOfRecord.get(id)));
                seen.values().removeIf(book -> book != null && !books.contains(book));
            }
            return records;
        }

        private boolean hasMore;

        Chain pullToEnd(Set<UUID> books) {
            int pages = 0;
            do {
                page(books);
                assertThat(++pages).as("pages of one chain to its end").isLessThan(5_000);
            } while (hasMore);
            return this;
        }

        boolean returnedAgain(UUID id) {
            return received.stream().filter(id::equals).count() >= 2;
        }

        /** Record versions returned more than once in this chain (a book dropped and added again starts afresh). */
        Set<String> duplicates() {
            return duplicates;
        }
    }
}

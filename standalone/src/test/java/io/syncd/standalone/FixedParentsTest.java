package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.delete;
import static io.syncd.standalone.Api.drawing;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.note;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parents are fixed at creation (PROTOCOL.md, "Push"): an event's and a drawing's {@code book_id} and a note's
 * {@code event_id} never change once the record exists. A push, a resolution or a change on an old version naming
 * another parent is {@code rejected} with {@code immutable_field} and the field named, and the record stays as it was;
 * a tombstone keeps its parent; a device moves a record by deleting it and creating a new one.
 */
class FixedParentsTest {
    private final Api api = TestServer.api();

    /** Two books, each with an event; in book A a note of A's event and a drawing. */
    private record Account(Api.Device device, UUID bookA, UUID bookB, UUID eventA, UUID eventB, UUID note, UUID drawing) {
    }

    private Account account() {
        Api.Device device = api.newDevice();
        Account a = new Account(device, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                UUID.randomUUID(), UUID.randomUUID());
        assertStatuses(api.push(device, upsert("books", a.bookA(), 0, book("A")), upsert("books", a.bookB(), 0, book("B")),
                upsert("events", a.eventA(), 0, event(a.bookA(), "in A")),
                upsert("events", a.eventB(), 0, event(a.bookB(), "in B")),
                upsert("notes", a.note(), 0, note(a.eventA())),
                upsert("schedule_drawings", a.drawing(), 0, drawing(a.bookA()))),
                "applied", "applied", "applied", "applied", "applied", "applied");
        return a;
    }

    /** One upsert per table moving a record of {@code a} to the other parent, on the current version. */
    private List<ObjectNode> moves(Account a, long baseVersion) {
        return List.of(upsert("events", a.eventA(), baseVersion, event(a.bookB(), "moved")),
                upsert("notes", a.note(), baseVersion, note(a.eventB())),
                upsert("schedule_drawings", a.drawing(), baseVersion, drawing(a.bookB())));
    }

    private static final List<String> FIELDS = List.of("book_id", "event_id", "book_id");

    @Test
    void anUpsertNamingAnotherParentIsRejectedWithTheFieldNamedAndChangesNothing() {
        Account a = account();
        List<ObjectNode> moves = moves(a, 1);

        Api.Response answer = api.push(a.device(), moves.toArray(ObjectNode[]::new));

        for (int i = 0; i < moves.size(); i++) {
            JsonNode result = answer.body().get("results").get(i);
            assertImmutable(result, FIELDS.get(i));
            JsonNode lookedUp = api.get("/api/sync/changes/" + moves.get(i).get("change_id").stringValue(),
                    a.device().token()).body();
            assertThat(lookedUp).as("the decision looked up later").isEqualTo(result);
        }
        assertThat(answer.body().get("results").get(0).get("error").get("message").stringValue())
                .contains(a.bookA().toString()).contains(a.bookB().toString());
        assertUnchanged(a);
    }

    @Test
    void aRequestCreatingARecordAndThenMovingItAppliesTheCreateAndRejectsTheMove() {
        Api.Device device = api.newDevice();
        UUID bookA = UUID.randomUUID();
        UUID bookB = UUID.randomUUID();
        UUID eventA = UUID.randomUUID();
        UUID eventB = UUID.randomUUID();
        UUID event = UUID.randomUUID();
        UUID note = UUID.randomUUID();
        UUID drawing = UUID.randomUUID();

        Api.Response answer = api.push(device, upsert("books", bookA, 0, book("A")), upsert("books", bookB, 0, book("B")),
                upsert("events", eventA, 0, event(bookA, "A")), upsert("events", eventB, 0, event(bookB, "B")),
                upsert("events", event, 0, event(bookA, "created")), upsert("events", event, 1, event(bookB, "moved")),
                upsert("notes", note, 0, note(eventA)), upsert("notes", note, 1, note(eventB)),
                upsert("schedule_drawings", drawing, 0, drawing(bookA)),
                upsert("schedule_drawings", drawing, 1, drawing(bookB)),
                upsert("events", event, 1, event(bookA, "edited where it is")));

        JsonNode results = answer.body().get("results");
        assertThat(results.get(4).get("status").stringValue()).isEqualTo("applied");
        assertImmutable(results.get(5), "book_id");
        assertThat(results.get(5).get("error").get("message").stringValue()).contains("same request");
        assertThat(results.get(6).get("status").stringValue()).isEqualTo("applied");
        assertImmutable(results.get(7), "event_id");
        assertThat(results.get(8).get("status").stringValue()).isEqualTo("applied");
        assertImmutable(results.get(9), "book_id");
        assertThat(results.get(10).get("status").stringValue()).as("an edit naming the first parent still applies")
                .isEqualTo("applied");
        JsonNode stored = record(device, event);
        assertThat(stored.get("version").longValue()).isEqualTo(2);
        assertThat(stored.get("data").get("book_id").stringValue()).isEqualTo(bookA.toString());
        assertThat(record(device, note).get("data").get("event_id").stringValue()).isEqualTo(eventA.toString());
        assertThat(record(device, drawing).get("data").get("book_id").stringValue()).isEqualTo(bookA.toString());
    }

    @Test
    void useLocalAndMergeResolutionsNamingAnotherParentAreRejectedTheSameWay() {
        Account a = account();
        List<ObjectNode> moves = moves(a, 1);

        for (String resolution : List.of("use_local", "merge")) {
            for (int i = 0; i < moves.size(); i++) {
                ObjectNode move = moves.get(i);
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.put("change_id", UUID.randomUUID().toString());
                body.set("table", move.get("table"));
                body.set("record_id", move.get("record_id"));
                body.put("resolution", resolution);
                body.put("base_version", 1);
                body.set("data", move.get("data"));

                Api.Response answer = api.post("/api/sync/resolve-conflict", a.device().token(), body);

                assertThat(answer.status()).as(answer.text()).isEqualTo(200);
                assertImmutable(answer.body(), FIELDS.get(i));
            }
        }
        assertUnchanged(a);
    }

    /** A device edits on version 1 and moves while another device's edit made version 2: the move is no conflict. */
    @Test
    void aMoveMadeOnAnOldVersionIsRejectedNotAConflict() {
        Account a = account();
        Api.Device other = api.sibling(a.device());
        assertStatuses(api.push(other, upsert("events", a.eventA(), 1, event(a.bookA(), "edited elsewhere")),
                upsert("notes", a.note(), 1, note(a.eventA())),
                upsert("schedule_drawings", a.drawing(), 1, drawing(a.bookA()))), "applied", "applied", "applied");

        Api.Response answer = api.push(a.device(), moves(a, 1).toArray(ObjectNode[]::new));

        for (int i = 0; i < FIELDS.size(); i++) {
            assertImmutable(answer.body().get("results").get(i), FIELDS.get(i));
        }
        assertThat(record(a.device(), a.eventA()).get("data").get("name").stringValue()).isEqualTo("edited elsewhere");
        assertThat(record(a.device(), a.eventA()).get("version").longValue()).isEqualTo(2);
    }

    /**
     * A tombstone is the record (PROTOCOL.md: an upsert on its version brings it back), so it keeps its parent: it comes
     * back only where it was. Moving is deleting and creating a record with a new id.
     */
    @Test
    void aDeletedRecordComesBackOnlyUnderItsParentAndAMoveIsADeleteAndACreate() {
        Account a = account();
        String beforeDelete = api.pullAll(a.device(), null).cursor();
        assertStatuses(api.push(a.device(), delete("notes", a.note(), 1), delete("schedule_drawings", a.drawing(), 1)),
                "applied", "applied");

        Api.Response elsewhere = api.push(a.device(), upsert("notes", a.note(), 2, note(a.eventB())),
                upsert("schedule_drawings", a.drawing(), 2, drawing(a.bookB())));
        assertImmutable(elsewhere.body().get("results").get(0), "event_id");
        assertImmutable(elsewhere.body().get("results").get(1), "book_id");
        JsonNode tombstone = recordSince(a.device(), beforeDelete, a.note());
        assertThat(tombstone.get("is_deleted").booleanValue()).isTrue();
        assertThat(tombstone.get("version").longValue()).isEqualTo(2);
        assertThat(recordSince(a.device(), beforeDelete, a.drawing()).get("is_deleted").booleanValue()).isTrue();

        assertStatuses(api.push(a.device(), upsert("notes", a.note(), 2, note(a.eventA()))), "applied");
        assertThat(record(a.device(), a.note()).get("version").longValue()).as("back where it was").isEqualTo(3);

        UUID moved = UUID.randomUUID();
        assertStatuses(api.push(a.device(), delete("events", a.eventA(), 1),
                upsert("events", moved, 0, event(a.bookB(), "moved to B"))), "applied", "applied");
        assertThat(record(a.device(), moved).get("data").get("book_id").stringValue()).isEqualTo(a.bookB().toString());
        assertThat(pullBooks(a.device(), a.bookB())).as("book B's records").contains(moved, a.eventB())
                .doesNotContain(a.eventA());
    }

    /**
     * An import names each record once (a record id twice is a bad line, whatever parents its lines name), and a
     * note imported with its event keeps the event's book: a pull by that book returns it.
     */
    @Test
    void anImportNamingARecordTwiceIsRefusedAndAnImportedNoteKeepsItsEventsBook() {
        Api.Device target = api.newDevice();
        UUID bookA = UUID.randomUUID();
        UUID bookB = UUID.randomUUID();
        UUID eventA = UUID.randomUUID();
        UUID note = UUID.randomUUID();
        List<String> lines = new ArrayList<>(List.of(line("books", bookA, book("A")), line("books", bookB, book("B")),
                line("events", eventA, event(bookA, "in A")), line("notes", note, note(eventA))));

        List<String> twice = new ArrayList<>(lines);
        twice.add(line("events", eventA, event(bookB, "in B")));
        Api.Response refused = importInto(target, twice);
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.body().get("errors")).extracting(e -> e.get("field").stringValue())
                .containsExactly("line 5.record_id");
        assertThat(refused.body().get("errors").get(0).get("message").stringValue()).contains("duplicates line 3");

        Api.Response imported = importInto(target, lines);
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        assertThat(imported.body().get("rejected").longValue()).isZero();
        assertThat(pullBooks(target, bookA)).contains(eventA, note);
        assertThat(pullBooks(target, bookB)).containsOnly(bookA, bookB);
    }

    /**
     * What a rejected move leaves (nothing) and the book a note keeps are rebuilt exactly from the audit trail and from
     * the change topics, where the gateway's same-request rejection travels in the change event.
     */
    @Test
    void replayingTheAuditTrailOrTheTopicsRebuildsNotesBooksAndDecidesMovesAsTheApplierDid() {
        Account a = account();
        api.push(a.device(), moves(a, 1).toArray(ObjectNode[]::new));
        UUID note = UUID.randomUUID();
        UUID moved = UUID.randomUUID();
        assertStatuses(api.push(a.device(), upsert("notes", note, 0, note(a.eventB())),
                upsert("notes", note, 1, note(a.eventA())), delete("events", a.eventA(), 1),
                upsert("events", moved, 0, event(a.bookB(), "moved")), upsert("notes", UUID.randomUUID(), 0, note(moved))),
                "applied", "rejected", "applied", "applied", "applied");

        for (String source : List.of("sync_log", "kafka")) {
            Api.Response verify = api.post("/api/admin/verify", TestServer.ADMIN_TOKEN,
                    "{\"source\":\"" + source + "\"}");
            assertThat(verify.status()).as(verify.text()).isEqualTo(200);
            assertThat(verify.body().get("equal").booleanValue()).as(source + ": " + verify.text()).isTrue();
        }
    }

    private static String line(String table, UUID recordId, ObjectNode data) {
        ObjectNode line = Json.MAPPER.createObjectNode().put("table", table).put("record_id", recordId.toString());
        line.set("data", data);
        return line.toString();
    }

    private Api.Response importInto(Api.Device target, List<String> lines) {
        return api.send(api.request("/api/admin/accounts/" + target.accountId() + "/import", TestServer.ADMIN_TOKEN)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build());
    }

    private static void assertImmutable(JsonNode result, String field) {
        assertThat(result.get("status").stringValue()).as(result.toString()).isEqualTo("rejected");
        assertThat(result.get("error").get("code").stringValue()).isEqualTo("immutable_field");
        assertThat(result.at("/error/field").asString(null)).as(result.toString()).isEqualTo(field);
        assertThat(result.get("error").get("message").stringValue()).contains(field).contains("fixed at creation");
    }

    private static void assertStatuses(Api.Response answer, String... statuses) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body().get("results")).extracting(r -> r.get("status").stringValue()).as(answer.text())
                .containsExactly(statuses);
    }

    /** Every record of {@code a} as {@link #account} made it: version 1, its first parent. */
    private void assertUnchanged(Account a) {
        for (UUID id : List.of(a.eventA(), a.note(), a.drawing())) {
            assertThat(record(a.device(), id).get("version").longValue()).isEqualTo(1);
        }
        assertThat(record(a.device(), a.eventA()).get("data").get("book_id").stringValue()).isEqualTo(a.bookA().toString());
        assertThat(record(a.device(), a.note()).get("data").get("event_id").stringValue()).isEqualTo(a.eventA().toString());
        assertThat(record(a.device(), a.drawing()).get("data").get("book_id").stringValue()).isEqualTo(a.bookA().toString());
        assertThat(pullBooks(a.device(), a.bookA())).contains(a.eventA(), a.note(), a.drawing());
    }

    /** The live record as a pull from the beginning returns it. */
    private JsonNode record(Api.Device device, UUID id) {
        return api.pullAll(device, null).records().stream()
                .filter(r -> r.get("record_id").stringValue().equals(id.toString())).findFirst()
                .orElseThrow(() -> new AssertionError("no live record " + id));
    }

    /** The record's latest state a pull from {@code cursor} returns (a tombstone too). */
    private JsonNode recordSince(Api.Device device, String cursor, UUID id) {
        return api.pullAll(device, cursor).records().stream()
                .filter(r -> r.get("record_id").stringValue().equals(id.toString())).findFirst()
                .orElseThrow(() -> new AssertionError("no change of " + id + " since the cursor"));
    }

    /** The ids a whole pull of {@code book} returns (every book record, and that book's other records). */
    private List<UUID> pullBooks(Api.Device device, UUID book) {
        ObjectNode body = Json.MAPPER.createObjectNode().putNull("cursor").put("limit", 5000);
        body.putArray("books").add(book.toString());
        Api.Response answer = api.post("/api/sync/pull", device.token(), body);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body().get("has_more").booleanValue()).isFalse();
        List<UUID> ids = new ArrayList<>();
        answer.body().get("changes").forEach(r -> ids.add(UUID.fromString(r.get("record_id").stringValue())));
        return ids;
    }
}

package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OutboxEntry;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A server that no longer accepts the device's pull cursor ({@code 409 cursor_reset}: restored from a backup, or
 * another database), played by a scripted server: the device pulls everything again and loses nothing.
 */
class CursorResetTest {
    private static final String EARLY = "2026-11-24T09:00:00Z";
    private static final String LATER = "2026-11-24T10:00:00Z";
    private static final String AFTER_THE_RESTORE = "2026-11-26T09:00:00Z";

    @TempDir
    Path dir;
    private final StubServer server = new StubServer();
    /** The pull pages the server answers, by the cursor asked for ("null" for the start). */
    private final Map<String, StubServer.Answer> pages = new ConcurrentHashMap<>();
    private SyncClient client;

    @BeforeEach
    void register() {
        server.on("POST /api/sync/pull", body -> {
            String cursor = body.get("cursor").isNull() ? "null" : body.get("cursor").asString();
            return pages.getOrDefault(cursor, StubServer.Answer.problem(400, "invalid_request", "unknown cursor "
                    + cursor));
        });
        server.on("POST /api/sync/push", StubServer::applyAll);
        client = SyncClient.open(dir.resolve("device.db"));
        client.register(server.uri(), "KEY", "phone", "test");
    }

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    private static ObjectNode record(String id, long version, String name, String updatedAt) {
        return StubServer.record("books", id, version, book(name).put("archived", false)).put("updated_at", updatedAt);
    }

    private static ObjectNode tombstone(String id, long version) {
        ObjectNode record = StubServer.record("books", id, version, null).put("is_deleted", true);
        record.putNull("data");
        return record.put("updated_at", LATER);
    }

    private static StubServer.Answer cursorReset() {
        return StubServer.Answer.problem(409, "cursor_reset", "this cursor is from before a restore; pull from null");
    }

    private List<String> cursorsAskedFor() {
        return server.requests("POST", "/api/sync/pull").stream()
                .map(r -> r.body().get("cursor").isNull() ? "null" : r.body().get("cursor").asString()).toList();
    }

    private List<JsonNode> pushedChanges() {
        List<JsonNode> changes = new ArrayList<>();
        for (StubServer.Request push : server.requests("POST", "/api/sync/push")) {
            push.body().get("changes").forEach(changes::add);
        }
        return changes;
    }

    private String name(String id) {
        return client.get("books", id).orElseThrow().data().get("name").asString();
    }

    private List<OutboxEntry> outbox() {
        client.close();
        try (LocalStore store = LocalStore.open(dir.resolve("device.db"))) {
            return store.inTransaction(() -> store.outbox().all());
        } finally {
            client = SyncClient.open(dir.resolve("device.db"));
        }
    }

    @Test
    void aCursorResetMakesTheDevicePullEverythingAgainFromTheStartKeepingItsUnsyncedEdits() {
        String a = newId();
        String b = newId();
        String c = newId();
        pages.put("null", StubServer.page("c1", false, record(a, 1, "A", EARLY), record(b, 1, "B", EARLY)));
        client.pullChanges();
        client.put("books", a, book("A edited here"));
        client.put("books", c, book("C made here"));
        pages.clear();
        pages.put("c1", cursorReset());
        pages.put("null", StubServer.page("n1", true, record(a, 1, "A", EARLY)));
        pages.put("n1", StubServer.page("n2", false, record(b, 1, "B", EARLY)));

        SyncReport report = client.pullChanges();

        assertThat(report.pulled()).isEqualTo(2);
        assertThat(cursorsAskedFor()).containsExactly("null", "c1", "null", "n1");
        assertThat(name(a)).isEqualTo("A edited here");
        assertThat(client.get("books", a).orElseThrow().dirty()).isTrue();
        assertThat(name(b)).isEqualTo("B");
        assertThat(outbox()).extracting(OutboxEntry::recordId, OutboxEntry::baseVersion)
                .containsExactly(tuple(a, 1L), tuple(c, 0L));

        pages.put("n2", StubServer.page("n3", false));
        client.pullChanges();
        assertThat(cursorsAskedFor()).as("the new chain's cursor is kept").endsWith("n2");
    }

    @Test
    void cleanRowsTheServerNoLongerHasAreKeptAndSentBackAsNewRecordsInTheSameSync() {
        String kept = newId();
        String lost = newId();
        String deleted = newId();
        String madeHere = newId();
        pages.put("null", StubServer.page("c1", false, record(kept, 2, "kept", EARLY), record(lost, 1, "lost", EARLY),
                record(deleted, 1, "deleted", EARLY)));
        pages.put("c1", StubServer.page("c2", false, tombstone(deleted, 2)));
        client.pullChanges();
        client.pullChanges();
        client.put("books", madeHere, book("made here"));
        pages.clear();
        pages.put("c2", cursorReset());
        // The restored server returns what it kept, and the record this sync's push just created.
        pages.put("null", StubServer.page("n1", false, record(kept, 2, "kept", EARLY),
                record(madeHere, 1, "made here", AFTER_THE_RESTORE)));

        SyncReport report = client.syncAll();

        List<JsonNode> pushes = pushedChanges();
        assertThat(pushes).extracting(change -> change.get("record_id").asString()).containsExactly(madeHere, lost);
        JsonNode sentBack = pushes.get(1);
        assertThat(sentBack.get("op").asString()).isEqualTo("upsert");
        assertThat(sentBack.get("base_version").longValue()).isZero();
        assertThat(sentBack.get("data").get("name").asString()).isEqualTo("lost");
        assertThat(report.pushed()).isEqualTo(2);
        assertThat(report.applied()).isEqualTo(2);
        assertThat(client.get("books", lost).orElseThrow()).satisfies(row -> {
            assertThat(row.dirty()).isFalse();
            assertThat(row.version()).isEqualTo(1);
        });
        assertThat(client.get("books", deleted).orElseThrow()).as("a deleted row stays deleted, unsent")
                .satisfies(row -> {
                    assertThat(row.deleted()).isTrue();
                    assertThat(row.dirty()).isFalse();
                });
        assertThat(client.status().outbox()).isZero();
    }

    @Test
    void aCleanRowTheServerHoldsAtAnOlderStateIsSentBackOnTheServersVersionUnlessTheServersIsNewer() {
        String lostEdit = newId();
        String editedSince = newId();
        String same = newId();
        pages.put("null", StubServer.page("c1", false, record(lostEdit, 5, "newest", LATER),
                record(editedSince, 4, "mine", LATER), record(same, 5, "same", LATER)));
        client.pullChanges();
        pages.clear();
        pages.put("c1", cursorReset());
        pages.put("null", StubServer.page("n1", false, record(lostEdit, 3, "older", EARLY),
                record(editedSince, 2, "edited since the restore", AFTER_THE_RESTORE), record(same, 3, "same", EARLY)));

        client.pullChanges();

        assertThat(client.get("books", lostEdit).orElseThrow()).satisfies(row -> {
            assertThat(row.data().get("name").asString()).isEqualTo("newest");
            assertThat(row.dirty()).isTrue();
            assertThat(row.version()).isEqualTo(3);
        });
        assertThat(outbox()).singleElement().satisfies(change -> {
            assertThat(change.recordId()).isEqualTo(lostEdit);
            assertThat(change.baseVersion()).isEqualTo(3);
            assertThat(change.data()).contains("\"newest\"");
        });
        assertThat(client.get("books", editedSince).orElseThrow()).satisfies(row -> {
            assertThat(row.data().get("name").asString()).isEqualTo("edited since the restore");
            assertThat(row.dirty()).isFalse();
            assertThat(row.version()).isEqualTo(2);
        });
        assertThat(client.get("books", same).orElseThrow().version()).as("the server's numbering").isEqualTo(3);

        pages.put("n1", StubServer.page("n2", false, record(same, 4, "changed on another device", AFTER_THE_RESTORE)));
        client.pullChanges();
        assertThat(name(same)).as("not taken for an older version than the one of before the restore")
                .isEqualTo("changed on another device");
    }

    @Test
    void aResyncInterruptedMidwayGoesOnWithTheNextPullAndStillSendsBackWhatTheServerLost() {
        String kept = newId();
        String lost = newId();
        pages.put("null", StubServer.page("c1", false, record(kept, 1, "kept", EARLY), record(lost, 1, "lost", EARLY)));
        client.pullChanges();
        pages.clear();
        pages.put("c1", cursorReset());
        pages.put("null", StubServer.page("n1", true, record(kept, 1, "kept", EARLY)));
        pages.put("n1", StubServer.Answer.problem(500, "internal", "the server failed"));

        assertThatThrownBy(() -> client.pullChanges()).isInstanceOf(ServerRejectedException.class);
        client.close();
        client = SyncClient.open(dir.resolve("device.db"));
        pages.put("n1", StubServer.page("n2", false));
        client.pullChanges();

        assertThat(cursorsAskedFor()).containsExactly("null", "c1", "null", "n1", "n1");
        assertThat(outbox()).singleElement().satisfies(change -> {
            assertThat(change.recordId()).isEqualTo(lost);
            assertThat(change.baseVersion()).isZero();
        });
        assertThat(client.get("books", kept).orElseThrow().dirty()).isFalse();
    }

    @Test
    void anOpenConflictTakesTheRestoredServersRecordEvenAtALowerVersion() {
        String id = newId();
        pages.put("null", StubServer.page("c1", false, record(id, 1, "original", EARLY)));
        client.pullChanges();
        client.put("books", id, book("mine"));
        server.on("POST /api/sync/push", push -> {
            ObjectNode answer = Json.MAPPER.createObjectNode();
            JsonNode change = push.get("changes").get(0);
            answer.putArray("results").addObject().put("change_id", change.get("change_id").asString())
                    .put("status", "conflict").put("table", "books").put("record_id", id)
                    .set("server_record", record(id, 5, "theirs before the restore", LATER));
            return StubServer.Answer.ok(answer);
        });
        pages.put("c1", StubServer.page("c1", false));
        client.syncAll();
        pages.clear();
        pages.put("c1", cursorReset());
        pages.put("null", StubServer.page("n1", false, record(id, 2, "theirs after the restore", EARLY)));

        client.pullChanges();

        assertThat(client.conflicts()).singleElement().satisfies(conflict -> {
            assertThat(conflict.serverVersion()).isEqualTo(2);
            assertThat(conflict.serverRecord().get("data").get("name").asString()).isEqualTo("theirs after the restore");
            assertThat(conflict.localData().get("name").asString()).isEqualTo("mine");
        });
    }

    @Test
    void aRecordHeldBehindAnUndecidedEditBeforeTheResetIsNotTakenForTheServersState() {
        String id = newId();
        pages.put("null", StubServer.page("c1", false, record(id, 1, "original", EARLY)));
        client.pullChanges();
        client.put("books", id, book("mine"));
        server.on("POST /api/sync/push", push -> answer(push, "pending", null));
        client.pushChanges();
        pages.put("c1", StubServer.page("c2", false, record(id, 7, "theirs before the restore", LATER)));
        client.pullChanges(); // held aside: the local edit is undecided
        pages.clear();
        pages.put("c2", cursorReset());
        pages.put("null", StubServer.page("n1", false, record(id, 2, "theirs after the restore", EARLY)));
        client.pullChanges();

        server.on("POST /api/sync/push", push -> answer(push, "applied", 3L));
        client.pushChanges();

        assertThat(client.get("books", id).orElseThrow()).satisfies(row -> {
            assertThat(row.data().get("name").asString()).isEqualTo("mine");
            assertThat(row.version()).isEqualTo(3);
            assertThat(row.dirty()).isFalse();
        });
    }

    private static StubServer.Answer answer(JsonNode push, String status, Long version) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        JsonNode change = push.get("changes").get(0);
        ObjectNode result = answer.putArray("results").addObject().put("change_id", change.get("change_id").asString())
                .put("status", status).put("table", "books").put("record_id", change.get("record_id").asString());
        if (version != null) {
            result.put("version", version);
        }
        return StubServer.Answer.ok(answer);
    }

    @Test
    void aCursorResetAnsweredToAPullFromTheStartIsAnErrorNotALoop() {
        pages.put("null", cursorReset());

        assertThatThrownBy(() -> client.pullChanges()).isInstanceOfSatisfying(ServerRejectedException.class,
                e -> assertThat(e.code()).isEqualTo("cursor_reset"));
        assertThat(cursorsAskedFor()).containsExactly("null", "null");
    }

    @Test
    void aForgedCursorIsAnErrorAndTheCursorIsKept() {
        pages.put("null", StubServer.page("c1", false));
        client.pullChanges();
        pages.put("c1", StubServer.Answer.problem(400, "invalid_request", "cursor: not a cursor of this server"));

        assertThatThrownBy(() -> client.pullChanges()).isInstanceOfSatisfying(ServerRejectedException.class,
                e -> assertThat(e.code()).isEqualTo("invalid_request"));
        assertThatThrownBy(() -> client.pullChanges()).isInstanceOf(ServerRejectedException.class);
        assertThat(cursorsAskedFor()).containsExactly("null", "c1", "c1");
    }
}

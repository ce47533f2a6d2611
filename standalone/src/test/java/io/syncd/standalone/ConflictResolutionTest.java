package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /api/sync/resolve-conflict}: each resolution goes through the push pipeline and is logged. */
class ConflictResolutionTest {
    private final Api api = TestServer.api();

    private record Conflict(Api.Device device, UUID bookId) {
    }

    /** Two devices edit version 1; the tablet's edit loses and is a conflict at server version 2. */
    private Conflict conflictOnABook() {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        UUID bookId = UUID.randomUUID();
        api.push(phone, upsert("books", bookId, 0, book("original")));
        api.push(phone, upsert("books", bookId, 1, book("phone edit")));
        JsonNode conflict = api.push(tablet, upsert("books", bookId, 1, book("tablet edit"))).body().get("results").get(0);
        assertThat(conflict.get("status").stringValue()).isEqualTo("conflict");
        return new Conflict(tablet, bookId);
    }

    private Api.Response resolve(Conflict c, String resolution, long baseVersion, ObjectNode data, String op) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("change_id", UUID.randomUUID().toString());
        body.put("table", "books");
        body.put("record_id", c.bookId().toString());
        body.put("resolution", resolution);
        body.put("base_version", baseVersion);
        if (data != null) {
            body.set("data", data);
        }
        if (op != null) {
            body.put("op", op);
        }
        return api.post("/api/sync/resolve-conflict", c.device().token(), body);
    }

    private JsonNode serverBook(Conflict c) {
        return api.pullAll(c.device(), null).records().get(0);
    }

    @Test
    void useServerChangesNothingAndAnswersTheServerRecord() {
        Conflict c = conflictOnABook();

        Api.Response response = resolve(c, "use_server", 2, null, null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("status").stringValue()).isEqualTo("applied");
        assertThat(response.body().get("version").longValue()).isEqualTo(2);
        assertThat(response.body().get("server_record").get("data").get("name").stringValue()).isEqualTo("phone edit");
        assertThat(serverBook(c).get("version").longValue()).isEqualTo(2);
    }

    @Test
    void useLocalWritesTheLocalDataOnTheServerVersion() {
        Conflict c = conflictOnABook();

        Api.Response response = resolve(c, "use_local", 2, book("tablet edit"), null);

        assertThat(response.body().get("status").stringValue()).isEqualTo("applied");
        assertThat(response.body().get("version").longValue()).isEqualTo(3);
        assertThat(serverBook(c).get("data").get("name").stringValue()).isEqualTo("tablet edit");
    }

    @Test
    void mergeWritesTheMergedFields() {
        Conflict c = conflictOnABook();

        resolve(c, "merge", 2, book("phone edit + tablet edit").put("archived", true), null);

        JsonNode book = serverBook(c);
        assertThat(book.get("version").longValue()).isEqualTo(3);
        assertThat(book.get("data").get("name").stringValue()).isEqualTo("phone edit + tablet edit");
        assertThat(book.get("data").get("archived").booleanValue()).isTrue();
    }

    @Test
    void useLocalWithDeleteTombstonesTheRecord() {
        Conflict c = conflictOnABook();
        String cursor = api.pullAll(c.device(), null).cursor();

        Api.Response response = resolve(c, "use_local", 2, null, "delete");

        assertThat(response.body().get("status").stringValue()).isEqualTo("applied");
        assertThat(api.pullAll(c.device(), cursor).records().get(0).get("is_deleted").booleanValue()).isTrue();
    }

    @Test
    void aResolutionOnAVersionThatMovedOnIsANewConflict() {
        Conflict c = conflictOnABook();

        Api.Response response = resolve(c, "use_local", 1, book("too old"), null);

        assertThat(response.body().get("status").stringValue()).isEqualTo("conflict");
        assertThat(response.body().get("server_record").get("version").longValue()).isEqualTo(2);
        assertThat(serverBook(c).get("data").get("name").stringValue()).isEqualTo("phone edit");
    }

    @Test
    void aResolutionIsInvalidWithoutDataForUseLocalOrWithAnUnknownResolution() {
        Conflict c = conflictOnABook();

        assertThat(resolve(c, "use_local", 2, null, null).code()).isEqualTo("invalid_request");
        assertThat(resolve(c, "keep_both", 2, null, null).code()).isEqualTo("invalid_request");
        assertThat(resolve(c, "merge", 2, null, "delete").code()).isEqualTo("invalid_request");
    }
}

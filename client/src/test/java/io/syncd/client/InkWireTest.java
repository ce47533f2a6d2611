package io.syncd.client;

import static io.syncd.client.JsonByValue.assertEqualByValue;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the SDK sends and accepts for strokes: it asks for ink, sends ink, and stores only strokes that decode. */
class InkWireTest {
    private static final String STROKES = "[[[1.50,2.25,0.1,1000],[12345678901234567.25,-3,0.731,1016]]]";

    @TempDir
    Path dir;
    private final StubServer server = new StubServer();
    /** The one pull page the stub answers to the start of the chain; later cursors get an empty page. */
    private final AtomicReference<JsonNode> firstPage = new AtomicReference<>();
    private SyncClient client;

    @BeforeEach
    void register() {
        server.on("POST /api/sync/pull", body -> body.get("cursor").isNull()
                ? StubServer.page("c1", false, firstPage.get() == null ? new JsonNode[0]
                        : new JsonNode[] {firstPage.get()})
                : StubServer.page(body.get("cursor").asString(), false));
        server.on("POST /api/sync/push", StubServer::applyAll);
        client = SyncClient.open(dir.resolve("device.db"));
        client.register(server.uri(), "KEY", "phone", "test");
    }

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    private static JsonNode strokes(String json) {
        return JsonDevice.EXACT.readTree(json);
    }

    private static JsonNode text(String value) {
        return JsonDevice.EXACT.getNodeFactory().stringNode(value);
    }

    private static ObjectNode noteWith(String field, JsonNode value) {
        ObjectNode data = JsonDevice.EXACT.createObjectNode().put("event_id", newId());
        data.set(field, value);
        return data;
    }

    private List<JsonNode> requests(String path) {
        List<JsonNode> bodies = new ArrayList<>();
        server.requests("POST", path).forEach(request -> bodies.add(request.body()));
        return bodies;
    }

    @Test
    void pullsAskForInkAndPushesSendStrokesInkWhileTheAppSeesJsonStrokes() throws Exception {
        String pulledId = newId();
        String ink = InkCodec.toBase64(InkCodec.encode(strokes(STROKES)));
        firstPage.set(StubServer.record("notes", pulledId, 1, noteWith("strokes_ink", text(ink))));

        client.syncAll();

        assertThat(requests("/api/sync/pull")).allSatisfy(pull ->
                assertThat(pull.get("strokes_format").stringValue()).isEqualTo("ink"));
        assertEqualByValue(client.get("notes", pulledId).orElseThrow().data().get("strokes"), strokes(STROKES));

        String writtenId = newId();
        client.put("notes", writtenId, noteWith("strokes", strokes(STROKES)));
        client.syncAll();

        JsonNode push = requests("/api/sync/push").get(0);
        assertThat(push.get("strokes_format").stringValue()).isEqualTo("ink");
        JsonNode sent = push.get("changes").get(0).get("data");
        assertThat(sent.has("strokes")).isFalse();
        assertEqualByValue(InkCodec.decode(InkCodec.fromBase64(sent.get("strokes_ink").stringValue())), strokes(STROKES));
    }

    @Test
    void jsonStrokesOfAServerBeforeInkAreStoredAsInkWithEveryDigit() {
        String id = newId();
        firstPage.set(StubServer.record("notes", id, 1, noteWith("strokes", strokes(STROKES))));

        client.syncAll();

        assertEqualByValue(client.get("notes", id).orElseThrow().data().get("strokes"), strokes(STROKES));
    }

    @Test
    void pulledInkThatDoesNotDecodeIsRefusedAndNothingOfThePageIsStored() {
        String id = newId();
        // Base64 of three zero bytes: version 0, which no encoding has.
        firstPage.set(StubServer.record("notes", id, 1, noteWith("strokes_ink", text("AAAA"))));

        assertThatThrownBy(client::pullChanges).isInstanceOf(SyncException.class)
                .hasMessageContaining("the server sent notes " + id + " with strokes_ink that is not a valid ink encoding");

        assertThat(client.get("notes", id)).isEmpty();
        firstPage.set(null);
        client.pullChanges();
        assertThat(requests("/api/sync/pull")).extracting(pull -> pull.get("cursor").isNull())
                .as("the cursor did not move past the refused page").containsExactly(true, true);
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * PROTOCOL-1.1 section 3: a device sends strokes as JSON ({@code strokes}) or ink ({@code strokes_ink}) and receives
 * them in the form it asks for ({@code strokes_format}), whatever form the writing device used; equal by value.
 */
class InkStrokesTest {
    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private final Api api = TestServer.api();

    /** Strokes of the common shape, with the decimals and trailing zeros a JSON device may send. */
    private static String strokes(int seed) {
        StringBuilder json = new StringBuilder("[");
        for (int s = 0; s < 3; s++) {
            json.append(s == 0 ? "[" : ",[");
            for (int p = 0; p < 40; p++) {
                json.append(p == 0 ? "" : ",").append('[').append(400 + seed + p * 3).append('.').append(p % 10)
                        .append("0,").append(600 - p).append(",0.").append(50 + p).append(',')
                        .append(1_700_000_000_000L + seed * 1000L + p * 16).append(']');
            }
            json.append(']');
        }
        return json.append(']').toString();
    }

    private static String ink(String json) {
        return InkCodec.toBase64(InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode fromInk(String base64) throws Exception {
        return EXACT.readTree(InkCodec.decodeToJson(InkCodec.fromBase64(base64)));
    }

    private static ObjectNode jsonNote(UUID eventId, String strokes) {
        ObjectNode note = Json.MAPPER.createObjectNode().put("event_id", eventId.toString());
        note.set("strokes", EXACT.readTree(strokes));
        return note;
    }

    private static ObjectNode inkNote(UUID eventId, String strokes) {
        return Json.MAPPER.createObjectNode().put("event_id", eventId.toString()).put("strokes_ink", ink(strokes));
    }

    private static ObjectNode inkDrawing(UUID bookId, String strokes) {
        return Json.MAPPER.createObjectNode().put("book_id", bookId.toString()).put("date", "2026-11-24")
                .put("view_mode", 2).put("strokes_ink", ink(strokes));
    }

    private ObjectNode request(String format, ObjectNode... changes) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("changes");
        for (ObjectNode change : changes) {
            list.add(change);
        }
        if (format != null) {
            body.put("strokes_format", format);
        }
        return body;
    }

    private Api.Response push(Api.Device device, String format, ObjectNode... changes) {
        return api.post("/api/sync/push", device.token(), request(format, changes));
    }

    private Map<String, JsonNode> pull(Api.Device device, String format) {
        return api.pullByRecord(device, format, Json.MAPPER);
    }

    /** Two JSON values equal with numbers compared by value (1.50 = 1.5). */
    private static void assertSameValue(JsonNode actual, String expected) {
        assertThat(canonical(EXACT.readTree(actual.toString()))).isEqualTo(canonical(EXACT.readTree(expected)));
    }

    private static String canonical(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue().stripTrailingZeros().toPlainString();
        }
        if (node.isArray()) {
            StringBuilder text = new StringBuilder("[");
            node.forEach(n -> text.append(canonical(n)).append(','));
            return text.append(']').toString();
        }
        return node.toString();
    }

    @Test
    void aJsonDeviceAndAnInkDeviceEachReadTheOthersEditsInTheirOwnForm() throws Exception {
        Api.Device jsonDevice = api.newDevice();
        Api.Device inkDevice = api.sibling(jsonDevice);
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        UUID byJson = UUID.randomUUID();
        UUID byInk = UUID.randomUUID();
        UUID drawing = UUID.randomUUID();
        assertThat(push(jsonDevice, null, upsert("books", bookId, 0, book("b")), upsert("events", eventId, 0,
                event(bookId, "e")), upsert("notes", byJson, 0, jsonNote(eventId, strokes(1)))).status()).isEqualTo(200);
        assertThat(push(inkDevice, "ink", upsert("notes", byInk, 0, inkNote(eventId, strokes(2))),
                upsert("schedule_drawings", drawing, 0, inkDrawing(bookId, strokes(3)))).status()).isEqualTo(200);

        // Each edits the note the other wrote.
        JsonNode inkEdit = push(inkDevice, "ink", upsert("notes", byJson, 1, inkNote(eventId, strokes(4)))).body();
        JsonNode jsonEdit = push(jsonDevice, null, upsert("notes", byInk, 1, jsonNote(eventId, strokes(5)))).body();
        assertThat(inkEdit.at("/results/0/status").stringValue()).as(inkEdit.toString()).isEqualTo("applied");
        assertThat(jsonEdit.at("/results/0/status").stringValue()).as(jsonEdit.toString()).isEqualTo("applied");

        for (String jsonFormat : new String[] {null, "json"}) {
            Map<String, JsonNode> asJson = pull(jsonDevice, jsonFormat);
            assertSameValue(asJson.get(byJson.toString()).at("/data/strokes"), strokes(4));
            assertSameValue(asJson.get(byInk.toString()).at("/data/strokes"), strokes(5));
            assertSameValue(asJson.get(drawing.toString()).at("/data/strokes"), strokes(3));
            assertThat(asJson.values()).allMatch(r -> !r.get("data").has("strokes_ink"));
        }
        Map<String, JsonNode> asInk = pull(inkDevice, "ink");
        assertThat(asInk.get(byJson.toString()).at("/data/strokes_ink").stringValue()).isEqualTo(ink(strokes(4)));
        assertThat(asInk.get(byInk.toString()).at("/data/strokes_ink").stringValue()).isEqualTo(ink(strokes(5)));
        assertSameValue(fromInk(asInk.get(drawing.toString()).at("/data/strokes_ink").stringValue()), strokes(3));
        assertThat(asInk.values()).allMatch(r -> !r.get("data").has("strokes"));
        assertThat(asInk.get(byJson.toString()).get("data").propertyNames()).containsExactly("event_id", "strokes_ink");
    }

    @Test
    void aConflictsServerRecordComesInTheFormThePushAsksFor() throws Exception {
        Api.Device device = api.newDevice();
        Api.Device other = api.sibling(device);
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        UUID noteId = UUID.randomUUID();
        push(device, null, upsert("books", bookId, 0, book("b")), upsert("events", eventId, 0, event(bookId, "e")),
                upsert("notes", noteId, 0, jsonNote(eventId, strokes(6))));
        push(other, "ink", upsert("notes", noteId, 1, inkNote(eventId, strokes(7))));

        JsonNode asJson = push(device, null, upsert("notes", noteId, 1, jsonNote(eventId, strokes(8)))).body();
        ObjectNode stale = upsert("notes", noteId, 1, inkNote(eventId, strokes(8)));
        JsonNode asInk = push(device, "ink", stale).body();

        assertThat(asJson.at("/results/0/status").stringValue()).isEqualTo("conflict");
        assertSameValue(asJson.at("/results/0/server_record/data/strokes"), strokes(7));
        assertThat(asJson.at("/results/0/server_record/data").has("strokes_ink")).isFalse();
        assertThat(asInk.at("/results/0/status").stringValue()).isEqualTo("conflict");
        assertThat(asInk.at("/results/0/server_record/data/strokes_ink").stringValue()).isEqualTo(ink(strokes(7)));
        String changeId = stale.get("change_id").stringValue();
        assertThat(api.get("/api/sync/changes/" + changeId + "?strokes_format=ink", device.token()).body()
                .at("/server_record/data/strokes_ink").stringValue()).isEqualTo(ink(strokes(7)));
        assertSameValue(api.get("/api/sync/changes/" + changeId, device.token()).body()
                .at("/server_record/data/strokes"), strokes(7));

        ObjectNode useServer = Json.MAPPER.createObjectNode().put("change_id", UUID.randomUUID().toString())
                .put("table", "notes").put("record_id", noteId.toString()).put("resolution", "use_server")
                .put("base_version", 2).put("strokes_format", "ink");
        JsonNode resolved = api.post("/api/sync/resolve-conflict", device.token(), useServer).body();
        assertThat(resolved.at("/server_record/data/strokes_ink").stringValue()).as(resolved.toString())
                .isEqualTo(ink(strokes(7)));
    }

    @Test
    void strokesThatAreNeitherOrBothOrBadInkAre400NamingTheFieldAndNothingIsQueued() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        byte[] valid = InkCodec.encodeJson(strokes(9).getBytes(StandardCharsets.UTF_8));
        String truncated = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(valid, valid.length - 3));
        ObjectNode both = jsonNote(eventId, strokes(9)).put("strokes_ink", ink(strokes(9)));
        ObjectNode neither = Json.MAPPER.createObjectNode().put("event_id", eventId.toString());
        Map<ObjectNode, String> refused = Map.of(
                both, "must not be given with strokes",
                neither, "is required",
                inkNote(eventId, "[]").put("strokes_ink", "AQ==!"), "not base64",
                inkNote(eventId, "[]").put("strokes_ink", truncated), "is not a valid ink encoding: byte ");

        for (Map.Entry<ObjectNode, String> note : refused.entrySet()) {
            Api.Response response = push(device, "ink", upsert("books", bookId, 0, book("b")),
                    upsert("events", eventId, 0, event(bookId, "e")), upsert("notes", UUID.randomUUID(), 0, note.getKey()));

            assertThat(response.status()).as(response.text()).isEqualTo(400);
            JsonNode error = response.body().get("errors").get(0);
            assertThat(error.get("field").stringValue()).as(response.text()).startsWith("changes[2].data.strokes");
            assertThat(error.get("message").stringValue()).as(response.text()).contains(note.getValue());
        }
        StringBuilder noise = new StringBuilder("[[");
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 150_000; i++) {
            noise.append(i == 0 ? "" : ",").append(random.nextLong());
        }
        String huge = ink(noise.append("]]").toString());
        assertThat(huge.length()).as("base64 over 1 MiB").isGreaterThan(1024 * 1024);
        Api.Response tooLarge = push(device, "ink", upsert("notes", UUID.randomUUID(), 0,
                Json.MAPPER.createObjectNode().put("event_id", eventId.toString()).put("strokes_ink", huge)));
        assertThat(tooLarge.status()).as(tooLarge.text()).isEqualTo(413);
        Api.Response badFormat = push(device, "xml", upsert("books", bookId, 0, book("b")));
        assertThat(badFormat.status()).isEqualTo(400);
        assertThat(badFormat.body().at("/errors/0/field").stringValue()).isEqualTo("strokes_format");
        Api.Response badPullFormat = api.post("/api/sync/pull", device.token(), "{\"strokes_format\":\"INK\"}");
        assertThat(badPullFormat.status()).isEqualTo(400);
        assertThat(pull(device, "ink")).as("nothing of a refused request is queued").isEmpty();
    }

    @Test
    void anExportWritesJsonUnlessAskedForInkAndAnImportTakesEither() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        UUID jsonNoteId = UUID.randomUUID();
        UUID inkNoteId = UUID.randomUUID();
        push(device, null, upsert("books", bookId, 0, book("b")), upsert("events", eventId, 0, event(bookId, "e")),
                upsert("notes", jsonNoteId, 0, jsonNote(eventId, strokes(10))),
                upsert("notes", inkNoteId, 0, inkNote(eventId, strokes(11))));

        String asJson = export(device.accountId(), "");
        String asInk = export(device.accountId(), "?strokes_format=ink");

        assertThat(asJson).contains("\"strokes\":[[[").doesNotContain("strokes_ink");
        assertThat(asInk).contains("\"strokes_ink\":\"" + ink(strokes(10)) + "\"").doesNotContain("\"strokes\"");
        for (String file : List.of(asJson, asInk)) {
            Api.Device target = api.newDevice();
            Api.Response imported = api.send(api.request("/api/admin/accounts/" + target.accountId() + "/import",
                    TestServer.ADMIN_TOKEN).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(file)).build());
            assertThat(imported.status()).as(imported.text()).isEqualTo(200);
            assertThat(imported.body().at("/imported/notes").longValue()).isEqualTo(2);
            Map<String, JsonNode> copied = pull(target, "ink");
            assertThat(copied.get(jsonNoteId.toString()).at("/data/strokes_ink").stringValue()).isEqualTo(ink(strokes(10)));
            assertThat(copied.get(inkNoteId.toString()).at("/data/strokes_ink").stringValue()).isEqualTo(ink(strokes(11)));
        }
        assertThat(api.send(api.request("/api/admin/accounts/" + device.accountId() + "/export?strokes_format=yaml",
                TestServer.ADMIN_TOKEN).GET().build()).status()).isEqualTo(400);
    }

    private String export(String accountId, String query) {
        Api.Response export = api.send(api.request("/api/admin/accounts/" + accountId + "/export" + query,
                TestServer.ADMIN_TOKEN).GET().build());
        assertThat(export.status()).as(export.text()).isEqualTo(200);
        return export.text();
    }

    @Test
    void verifyFromTheAuditTrailAndFromTheTopicsIsExactAfterAMixedWorkload() {
        Api.Device jsonDevice = api.newDevice();
        Api.Device inkDevice = api.sibling(jsonDevice);
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        push(jsonDevice, null, upsert("books", bookId, 0, book("b")), upsert("events", eventId, 0, event(bookId, "e")));
        for (int i = 0; i < 20; i++) {
            UUID noteId = UUID.randomUUID();
            push(i % 2 == 0 ? jsonDevice : inkDevice, null,
                    upsert("notes", noteId, 0, i % 2 == 0 ? jsonNote(eventId, strokes(i)) : inkNote(eventId, strokes(i))));
            push(i % 2 == 0 ? inkDevice : jsonDevice, null,
                    upsert("notes", noteId, 1, i % 2 == 0 ? inkNote(eventId, strokes(i + 50)) : jsonNote(eventId, strokes(i + 50))),
                    upsert("schedule_drawings", UUID.randomUUID(), 0, inkDrawing(bookId, strokes(i + 100))));
        }

        for (String source : List.of("sync_log", "kafka")) {
            Api.Response verify = api.post("/api/admin/verify", TestServer.ADMIN_TOKEN, "{\"source\":\"" + source + "\"}");
            assertThat(verify.status()).as(verify.text()).isEqualTo(200);
            assertThat(verify.body().get("equal").booleanValue()).as(source + ": " + verify.text()).isTrue();
            assertThat(verify.body().at("/tables/notes/live").longValue()).as(source).isGreaterThanOrEqualTo(20);
        }
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.common.JsonValues;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 31 at a real server: mutated {@code strokes_ink} values pushed by an ink device are either applied (and pulled
 * back as sent) or refused with 400 {@code invalid_request} naming {@code changes[0].data.strokes_ink}, never a 5xx,
 * and a refused push queues nothing; and a JSON device's strokes with numbers at the edges come back equal by value
 * from a JSON pull and from an ink pull.
 */
class HostileInkPushTest {
    private static final long SEED = Long.getLong("ink.seed", 20261207L);
    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private final Api api = TestServer.api();

    @Test
    void mutatedInksAreAppliedOrRefusedNamingTheFieldAndARefusedPushQueuesNothing() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        assertThat(api.push(device, upsert("books", bookId, 0, book("b")), upsert("events", eventId, 0,
                event(bookId, "e"))).status()).isEqualTo(200);
        Random random = new Random(SEED);
        Map<UUID, String> applied = new HashMap<>();
        Map<UUID, String> refused = new HashMap<>(); // the ids of a refused push's note and book → the note's ink
        for (int i = 0; i < 200; i++) {
            String ink = mutated(random, i);
            UUID noteId = UUID.randomUUID();
            UUID besideId = UUID.randomUUID();
            ObjectNode note = Json.MAPPER.createObjectNode().put("event_id", eventId.toString()).put("strokes_ink", ink);
            // A valid book beside the note: a refused request must queue it neither.
            Api.Response answer = push(device, upsert("notes", noteId, 0, note), upsert("books", besideId, 0, book("n")));

            String what = "seed " + SEED + ", sample " + i + ", strokes_ink " + ink + ": " + answer.text();
            assertThat(answer.status()).as(what).isIn(200, 400);
            if (answer.status() == 200) {
                assertThat(answer.body().at("/results/0/status").stringValue()).as(what).isEqualTo("applied");
                applied.put(noteId, ink);
            } else {
                assertThat(answer.body().get("code").stringValue()).as(what).isEqualTo("invalid_request");
                assertThat(answer.body().get("errors")).as(what).hasSize(1);
                assertThat(answer.body().at("/errors/0/field").stringValue()).as(what)
                        .isEqualTo("changes[0].data.strokes_ink");
                refused.put(noteId, ink);
                refused.put(besideId, ink);
            }
        }
        assertThat(refused).as("most mutations break the encoding").hasSizeGreaterThan(2 * 50);

        Map<String, JsonNode> asInk = pull(device, "ink");
        assertThat(asInk.keySet()).as("nothing of a refused push was queued")
                .doesNotContainAnyElementsOf(refused.keySet().stream().map(UUID::toString).toList());
        applied.forEach((id, ink) -> assertThat(asInk.get(id.toString()).at("/data/strokes_ink").stringValue())
                .as("applied note %s", id).isEqualTo(ink));
        // A JSON device decodes every accepted ink, however odd its bytes.
        Map<String, JsonNode> asJson = pull(api.sibling(device), null);
        applied.forEach((id, ink) -> assertThat(asJson.get(id.toString()).at("/data/strokes").isArray())
                .as("applied note %s as JSON", id).isTrue());
        assertThat(asJson).hasSize(2 + 2 * applied.size());
    }

    @Test
    void numbersAtTheEdgesComeBackEqualByValueInJsonAndInInk() throws Exception {
        Api.Device jsonDevice = api.newDevice();
        Api.Device inkDevice = api.sibling(jsonDevice);
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        assertThat(api.push(jsonDevice, upsert("books", bookId, 0, book("b")), upsert("events", eventId, 0,
                event(bookId, "e"))).status()).isEqualTo(200);
        String edges = "1e308, -1e-320, 12345678901234567890123456789, 1.000000000000000000001, -0, 0.0, 1E+2";
        List<String> strokes = List.of(
                "[[[" + edges + "]]]",
                "[[[" + edges + "],[" + edges + "]],[[-0,0.0,1E+2,1.000000000000000000001,1,2,3]]]",
                "[[[-0,0.0],[1E+2,-1e-320]],[[1.000000000000000000001,12345678901234567890123456789]]]",
                "[[" + edges + "], [[1e308]], {\"n\":-1e-320}, -0, 1E+2]");
        Map<UUID, String> notes = new HashMap<>();
        StringBuilder changes = new StringBuilder();
        for (String s : strokes) {
            UUID noteId = UUID.randomUUID();
            notes.put(noteId, s);
            // Written as text: a tree would round these numbers before they left the device.
            changes.append(changes.isEmpty() ? "" : ",").append("{\"change_id\":\"").append(UUID.randomUUID())
                    .append("\",\"table\":\"notes\",\"op\":\"upsert\",\"record_id\":\"").append(noteId)
                    .append("\",\"base_version\":0,\"data\":{\"event_id\":\"").append(eventId)
                    .append("\",\"strokes\":").append(s).append("}}");
        }
        Api.Response pushed = api.post("/api/sync/push", jsonDevice.token(), "{\"changes\":[" + changes + "]}");
        assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
        assertThat(pushed.body().get("results")).allMatch(r -> r.get("status").stringValue().equals("applied"));

        Map<String, JsonNode> asJson = pull(jsonDevice, null);
        Map<String, JsonNode> asInk = pull(inkDevice, "ink");
        for (Map.Entry<UUID, String> note : notes.entrySet()) {
            JsonNode sent = EXACT.readTree(note.getValue());
            JsonNode json = asJson.get(note.getKey().toString()).at("/data/strokes");
            assertThat(JsonValues.equalByValue(json, sent)).as("JSON pull of %s: %s", note.getValue(), json).isTrue();
            byte[] ink = InkCodec.fromBase64(asInk.get(note.getKey().toString()).at("/data/strokes_ink").stringValue());
            JsonNode decoded = EXACT.readTree(InkCodec.decodeToJson(ink));
            assertThat(JsonValues.equalByValue(decoded, sent)).as("ink pull of %s: %s", note.getValue(), decoded).isTrue();
        }
    }

    /** A valid ink, mutated: truncated, bits flipped, spliced with another, random bytes, or not base64 at all. */
    private static String mutated(Random random, int sample) {
        byte[] ink = encode(strokes(random));
        byte[] bytes = switch (sample % 5) {
            case 0 -> Arrays.copyOf(ink, random.nextInt(ink.length));
            case 1 -> {
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int at = random.nextInt(ink.length);
                    ink[at] = (byte) (ink[at] ^ (1 << random.nextInt(8)));
                }
                yield ink;
            }
            case 2 -> {
                byte[] other = encode(strokes(random));
                int cut = random.nextInt(ink.length + 1);
                int from = random.nextInt(other.length + 1);
                byte[] spliced = Arrays.copyOf(ink, cut + other.length - from);
                System.arraycopy(other, from, spliced, cut, other.length - from);
                yield spliced;
            }
            case 3 -> {
                byte[] noise = new byte[2 + random.nextInt(40)];
                random.nextBytes(noise);
                noise[0] = 1;
                noise[1] = (byte) (random.nextBoolean() ? 0x08 : 0x0a);
                yield noise;
            }
            default -> null;
        };
        if (bytes != null) {
            return InkCodec.toBase64(bytes);
        }
        char[] text = InkCodec.toBase64(ink).toCharArray();
        String notBase64 = "!-_.~ \u00e9\u0000=";
        text[random.nextInt(text.length)] = notBase64.charAt(random.nextInt(notBase64.length()));
        return new String(text);
    }

    /** Random strokes of the common shape (integer, 2-decimal or full precision numbers) or of another shape. */
    private static String strokes(Random random) {
        StringBuilder json = new StringBuilder("[");
        int style = random.nextInt(4);
        for (int s = 0, count = 1 + random.nextInt(3); s < count; s++) {
            json.append(s == 0 ? "[" : ",[");
            for (int p = 0, points = 1 + random.nextInt(8); p < points; p++) {
                json.append(p == 0 ? "[" : ",[");
                for (int c = 0; c < 4; c++) {
                    json.append(c == 0 ? "" : ",").append(switch (style) {
                        case 0 -> Integer.toString(random.nextInt(2000) - 100);
                        case 1 -> String.format(java.util.Locale.ROOT, "%d.%02d", random.nextInt(900), random.nextInt(100));
                        case 2 -> Double.toString(random.nextDouble() * 1000);
                        default -> c == 3 ? "\"é\\u00e9\",{\"k\":null}" : Long.toString(random.nextLong());
                    });
                }
                json.append(']');
            }
            json.append(']');
        }
        return json.append(']').toString();
    }

    private static byte[] encode(String json) {
        return InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8));
    }

    private Api.Response push(Api.Device device, ObjectNode... changes) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("strokes_format", "ink");
        ArrayNode list = body.putArray("changes");
        Arrays.stream(changes).forEach(list::add);
        return api.post("/api/sync/push", device.token(), body);
    }

    private Map<String, JsonNode> pull(Api.Device device, String format) {
        return api.pullByRecord(device, format, EXACT);
    }

}

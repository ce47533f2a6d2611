package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A note's strokes come as exactly one of {@code strokes} (JSON) or {@code strokes_ink} (base64 ink): either is kept as
 * the same ink, and anything else is refused naming the field, with the byte and path inside the strokes for bad ink.
 */
class StrokesRulesTest {
    private static final String EVENT = "\"event_id\":\"6a1c2a52-4c1e-4f0e-9a6f-0c5e1b7a0001\"";
    private static final String STROKES = "[[[10.5,20.25,0.5,1000],[11.5,21.25,0.55,1016]],[[1,2,3,4]]]";
    private final List<String> violations = new ArrayList<>();

    /** Normalizes as the gateway does, and checks that the applier's check of the same data agrees. */
    private ObjectNode note(String strokesFields) {
        int before = violations.size();
        tools.jackson.databind.JsonNode data = Json.MAPPER.readTree("{" + EVENT + strokesFields + "}");
        ObjectNode normalized = RecordRules.normalize(SyncTable.NOTES, data, "changes[3].data",
                (path, message) -> violations.add(path + ": " + message));
        String first = violations.size() > before
                ? violations.get(before).replaceFirst("^changes\\[3]\\.data", "data") : null;
        assertThat(RecordRules.firstViolation(SyncTable.NOTES, data)).isEqualTo(first);
        return normalized;
    }

    private static String ink(String json) {
        return InkCodec.toBase64(InkCodec.encodeJson(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void jsonStrokesAndTheirInkAreKeptAsTheSameInk() throws Exception {
        ObjectNode fromJson = note(",\"strokes\":" + STROKES);
        ObjectNode fromInk = note(",\"strokes_ink\":\"" + ink(STROKES) + "\"");

        assertThat(violations).isEmpty();
        assertThat(Strokes.inkText(fromJson.get("strokes_ink"))).isEqualTo(ink(STROKES));
        assertThat(Strokes.inkText(fromInk.get("strokes_ink"))).isEqualTo(ink(STROKES));
        assertThat(fromJson.has("strokes")).isFalse();
        assertThat(Json.MAPPER.writeValueAsString(fromJson)).isEqualTo(Json.MAPPER.writeValueAsString(fromInk));
        JsonNode decoded = InkCodec.decode(Strokes.inkBytes(fromInk.get("strokes_ink")));
        assertThat(decoded.toString()).isEqualTo(STROKES);
    }

    @Test
    void bothOrNeitherIsRefusedNamingTheField() {
        assertThat(note(",\"strokes\":[],\"strokes_ink\":\"" + ink("[]") + "\"")).isNull();
        assertThat(note("")).isNull();
        assertThat(note(",\"strokes\":null,\"strokes_ink\":null")).isNull();
        assertThat(violations).containsExactly(
                "changes[3].data.strokes_ink: must not be given with strokes: send one of them",
                "changes[3].data.strokes: is required (a JSON array, or strokes_ink: its ink encoding in base64)",
                "changes[3].data.strokes: is required (a JSON array, or strokes_ink: its ink encoding in base64)");
    }

    @Test
    void inkThatIsNotBase64OrNotAnEncodingIsRefusedWithWhereItBreaks() {
        byte[] valid = InkCodec.encodeJson(STROKES.getBytes(StandardCharsets.UTF_8));
        byte[] truncated = Arrays.copyOf(valid, valid.length - 1);
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);

        assertThat(note(",\"strokes_ink\":\"AQ-_\"")).isNull();
        assertThat(note(",\"strokes_ink\":\"" + Base64.getEncoder().encodeToString(truncated) + "\"")).isNull();
        assertThat(note(",\"strokes_ink\":\"" + Base64.getEncoder().encodeToString(trailing) + "\"")).isNull();
        assertThat(note(",\"strokes_ink\":\"" + Base64.getEncoder().encodeToString(new byte[] {9, 8}) + "\"")).isNull();
        assertThat(note(",\"strokes_ink\":[1]")).isNull();
        assertThat(violations).hasSize(5).allMatch(v -> v.startsWith("changes[3].data.strokes_ink: "));
        assertThat(violations.get(0)).contains("not base64").contains("character 2 is '-'");
        assertThat(violations.get(1)).contains("is not a valid ink encoding: byte ");
        assertThat(violations.get(2)).contains("1 trailing bytes");
        assertThat(violations.get(3)).contains("unknown version 9");
        assertThat(violations.get(4)).contains("must be a string");
    }

    @Test
    void inkNestedDeeperThanAJsonDeviceCouldPushBackIsRefused() {
        String deepest = "[".repeat(Limits.MAX_STROKES_DEPTH) + "]".repeat(Limits.MAX_STROKES_DEPTH);
        String deeper = "[" + deepest + "]";

        assertThat(note(",\"strokes_ink\":\"" + ink(deepest) + "\"")).isNotNull();
        assertThat(note(",\"strokes_ink\":\"" + ink(deeper) + "\"")).isNull();
        assertThat(violations).singleElement().asString().contains("nested deeper than 96 levels");
    }

    @Test
    void aJsonDeviceGetsStrokesBackAsJsonAndAnInkDeviceAsInk() {
        ObjectNode stored = note(",\"strokes\":" + STROKES);
        ObjectNode forInk = StrokesFormat.INK.present(stored.deepCopy());
        ObjectNode forJson = StrokesFormat.JSON.present(stored.deepCopy());

        assertThat(Strokes.inkText(forInk.get("strokes_ink"))).isEqualTo(ink(STROKES));
        assertThat(forJson.has("strokes_ink")).isFalse();
        assertThat(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(forJson)).get("strokes"))
                .isEqualTo(Json.MAPPER.readTree(STROKES));
        assertThat(StrokesFormat.fromWireName("ink")).isEqualTo(StrokesFormat.INK);
        assertThat(StrokesFormat.fromWireName("INK")).isNull();
    }
}

package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.node.ObjectNode;

/** Strokes kept as the database's bytes come out of every writer exactly as they went in. */
class RawJsonTest {
    private static final String STROKES = "[[1, 2,3],{\"pen\":\"ü✍\"},[\"a]\\\"[\"]]";

    private static ObjectNode note() {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("event_id", "e");
        data.putRawValue("strokes", RawJson.of(STROKES.getBytes(StandardCharsets.UTF_8)));
        return data;
    }

    @Test
    void writesItsBytesUnchangedIntoByteAndCharOutput() {
        String expected = "{\"event_id\":\"e\",\"strokes\":" + STROKES + "}";
        ObjectNode data = note();

        assertThat(new String(Json.MAPPER.writeValueAsBytes(data), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(Json.MAPPER.writeValueAsString(data)).isEqualTo(expected);
    }

    @Test
    void writesPastTheGeneratorsBufferWhole() {
        // 3,000 copies: far more than a generator's 8 KB buffer, so values land on both sides of its flushes.
        ObjectNode page = Json.MAPPER.createObjectNode();
        for (int i = 0; i < 3000; i++) {
            page.set("note" + i, note());
        }

        byte[] written = Json.MAPPER.writeValueAsBytes(page);

        assertThat(Json.MAPPER.readTree(written)).isEqualTo(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(page)));
        assertThat(Json.MAPPER.readTree(written).get("note2999").get("strokes"))
                .isEqualTo(Json.MAPPER.readTree(STROKES));
    }

    @Test
    void comparesByContent() {
        byte[] bytes = STROKES.getBytes(StandardCharsets.UTF_8);
        assertThat(RawJson.of(bytes)).isEqualTo(RawJson.of(bytes.clone()))
                .hasSameHashCodeAs(RawJson.of(bytes.clone()))
                .isNotEqualTo(RawJson.of("[]".getBytes(StandardCharsets.UTF_8)));
    }
}

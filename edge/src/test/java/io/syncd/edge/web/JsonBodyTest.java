package io.syncd.edge.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.syncd.common.Json;
import io.syncd.edge.errors.ApiException;
import tools.jackson.databind.JsonNode;

/** Request bodies: strict JSON everywhere, the arrays of a record's data kept as the text the device sent. */
class JsonBodyTest {

    private static JsonNode parse(String json) {
        return JsonBody.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theArraysOfADataObjectStayTheTextTheDeviceSent() {
        String strokes = "[[1, 2,3] ,[4,5,\"é\"],{\"k\":[true]}]";
        JsonNode body = parse("{\"changes\":[{\"table\":\"notes\",\"data\":{\"event_id\":\"e\",\"strokes\":" + strokes
                + ",\"n\":7}}]}");

        JsonNode data = body.get("changes").get(0).get("data");
        assertThat(io.syncd.common.RecordRules.isArray(data.get("strokes"))).isTrue();
        assertThat(data.get("strokes").isArray()).isFalse();
        assertThat(Json.MAPPER.writeValueAsString(data))
                .isEqualTo("{\"event_id\":\"e\",\"strokes\":" + strokes + ",\"n\":7}");
        assertThat(data.get("n").intValue()).isEqualTo(7);
    }

    @Test
    void everyOtherValueIsATree() {
        JsonNode body = parse("{\"changes\":[{\"base_version\":9223372036854775807,\"data\":null}],"
                + "\"tables\":[\"books\"],\"big\":123456789012345678901234567890,\"f\":1.5,\"t\":true,"
                + "\"o\":{\"list\":[1]}}");

        assertThat(body.get("changes").isArray()).isTrue();
        assertThat(body.get("changes").get(0).get("base_version").longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(body.get("changes").get(0).get("data").isNull()).isTrue();
        assertThat(body.get("tables").get(0).stringValue()).isEqualTo("books");
        assertThat(body.get("big").isIntegralNumber()).isTrue();
        assertThat(body.get("big").canConvertToLong()).isFalse();
        assertThat(body.get("f").isFloatingPointNumber()).isTrue();
        assertThat(body.get("t").booleanValue()).isTrue();
        assertThat(body.get("o").get("list").isArray()).isTrue();
        assertThat(io.syncd.common.RecordRules.isArray(body.get("o"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"changes\":[{\"data\":{\"strokes\":[[1,2],[3,}}]}",
            "{\"changes\":[{\"data\":{\"strokes\":[[1,2]]]}}]}",
            "{\"changes\":[{\"data\":{\"strokes\":[{\"a\":1,\"a\":2}]}}]}",
            "{\"changes\":[{\"data\":{\"strokes\":[1],\"strokes\":[2]}}]}",
            "{\"changes\":[]} {}",
            "{\"changes\":[] ",
            "   "})
    void malformedJsonAnywhereIsInvalidRequest(String body) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("invalid_request"))
                .hasMessageContaining("malformed JSON");
    }

    @Test
    void anEmptyBodyIsMissing() {
        assertThatThrownBy(() -> JsonBody.parse(new byte[0])).hasMessageContaining("request body is missing");
    }
}

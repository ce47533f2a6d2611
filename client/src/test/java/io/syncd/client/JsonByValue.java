package io.syncd.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncd.common.JsonValues;
import tools.jackson.databind.JsonNode;

/** JSON equality with numbers compared by value ({@code 1.50} = {@code 1.5}, a double 2 = an int 2), as ink keeps them. */
final class JsonByValue {
    private JsonByValue() {
    }

    static void assertEqualByValue(JsonNode actual, JsonNode expected) {
        assertThat(actual).as("strokes").isNotNull();
        assertThat(JsonValues.equalByValue(actual, expected)).as("%s equals %s by value", actual, expected).isTrue();
    }
}

package io.syncd.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;

import tools.jackson.databind.JsonNode;

/** JSON equality with numbers compared by value ({@code 1.50} = {@code 1.5}, a double 2 = an int 2), as ink keeps them. */
final class JsonByValue {
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };

    private JsonByValue() {
    }

    static void assertEqualByValue(JsonNode actual, JsonNode expected) {
        assertThat(actual).as("strokes").isNotNull();
        assertThat(actual.equals(NUMBERS_BY_VALUE, expected)).as("%s equals %s by value", actual, expected).isTrue();
    }
}

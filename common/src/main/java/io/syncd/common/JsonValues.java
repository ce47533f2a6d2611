package io.syncd.common;

import java.util.Comparator;

import tools.jackson.databind.JsonNode;

/** The protocol's equality of strokes: JSON with numbers compared by value ({@code 1.50} = {@code 1.5}, {@code -0} = 0). */
public final class JsonValues {
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };

    private JsonValues() {
    }

    /** Whether {@code a} and {@code b} are equal as JSON with numbers compared by value. */
    public static boolean equalByValue(JsonNode a, JsonNode b) {
        return a != null && b != null && a.equals(NUMBERS_BY_VALUE, b);
    }
}

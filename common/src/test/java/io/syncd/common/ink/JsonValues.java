package io.syncd.common.ink;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/** The tests' reference: JSON parsed with exact decimals by Jackson, and values compared as PROTOCOL.md compares them. */
final class JsonValues {
    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private JsonValues() {
    }

    static JsonNode parse(String json) {
        return EXACT.readTree(json);
    }

    static JsonNode parse(byte[] json) {
        return EXACT.readTree(new String(json, StandardCharsets.UTF_8));
    }

    /** Equal as JSON: numbers by value (1.50 = 1.5 = 15e-1), objects whatever their key order. */
    static boolean sameValue(JsonNode a, JsonNode b) {
        if (isNumber(a) && isNumber(b)) {
            BigDecimal x = decimal(a);
            BigDecimal y = decimal(b);
            return x != null && y != null ? x.compareTo(y) == 0 : raw(a).equals(raw(b));
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<JsonNode> left = a.iterator();
            Iterator<JsonNode> right = b.iterator();
            while (left.hasNext()) {
                if (!sameValue(left.next(), right.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> property : a.properties()) {
                JsonNode other = b.get(property.getKey());
                if (other == null || !sameValue(property.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean isNumber(JsonNode node) {
        return node.isNumber() || raw(node) != null;
    }

    private static BigDecimal decimal(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        try {
            return new BigDecimal(raw(node));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String raw(JsonNode node) {
        return node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue value ? value.rawValue().toString()
                : node.isNumber() ? node.decimalValue().toString() : null;
    }
}

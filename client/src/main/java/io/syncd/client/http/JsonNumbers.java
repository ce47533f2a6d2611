package io.syncd.client.http;

import java.math.BigInteger;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** A JSON number's text as the smallest node that holds it exactly, the way Jackson's tree would hold it. */
final class JsonNumbers {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    private JsonNumbers() {
    }

    /** The number, or null when {@code digits} is not a JSON number ({@code integral}: no fraction, no exponent). */
    static JsonNode node(String digits, boolean integral) {
        if (!(integral ? isInteger(digits) : DECIMAL.matcher(digits).matches())) {
            return null;
        }
        if (!integral) {
            return NODES.numberNode(Double.parseDouble(digits));
        }
        if (digits.length() <= 18) {
            long value = Long.parseLong(digits);
            return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
        }
        BigInteger big = new BigInteger(digits);
        return big.bitLength() < 64 ? NODES.numberNode(big.longValue()) : NODES.numberNode(big);
    }

    private static boolean isInteger(String digits) {
        int first = digits.startsWith("-") ? 1 : 0;
        if (digits.length() == first || digits.charAt(first) == '0' && digits.length() > first + 1) {
            return false;
        }
        for (int i = first; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}

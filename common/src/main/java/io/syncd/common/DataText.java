package io.syncd.common;

import java.util.Base64;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Normalized data ({@link RecordRules#normalize}) as the compact JSON text a change event carries: the text Jackson's
 * mapper writes for it, written directly. The gateway writes one per pushed change on the request's thread, where the
 * mapper's setup for a small object cost more than the writing.
 */
public final class DataText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private DataText() {
    }

    /** The text of {@code data}, whose values are what normalizing puts there: strings, bytes, integers, booleans, null. */
    public static String of(ObjectNode data) {
        StringBuilder out = new StringBuilder(256);
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : data.properties()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(out, field.getKey());
            out.append(':');
            JsonNode value = field.getValue();
            if (value.isString()) {
                quote(out, value.stringValue());
            } else if (value.isBinary()) { // strokes encoded at the door: Jackson's default base64, padded, one line
                out.append('"').append(Base64.getEncoder().encodeToString(value.binaryValue())).append('"');
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                out.append(value.longValue());
            } else if (value.isBoolean()) {
                out.append(value.booleanValue());
            } else if (value.isNull()) {
                out.append("null");
            } else {
                throw new IllegalArgumentException("data." + field.getKey() + " is not a normalized value: " + value.getNodeType());
            }
        }
        return out.append('}').toString();
    }

    /** A JSON string as Jackson escapes it: quote, backslash and control characters; everything else as it is. */
    private static void quote(StringBuilder out, String text) {
        out.append('"');
        int length = text.length();
        int plain = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(text, plain, i).append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\b' -> out.append('b');
                case '\t' -> out.append('t');
                case '\n' -> out.append('n');
                case '\f' -> out.append('f');
                case '\r' -> out.append('r');
                default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            plain = i + 1;
        }
        out.append(text, plain, length).append('"');
    }
}

package io.syncd.common.ink;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/** Encodes a Jackson tree: the stroke set form when the value has its shape, the general form otherwise. */
final class InkEncoder {
    private InkEncoder() {
    }

    static byte[] encode(JsonNode value) {
        String raw = rawText(value);
        if (raw != null) {
            return JsonTextEncoder.encode(raw.getBytes(StandardCharsets.UTF_8));
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("strokes must be a JSON array, not " + value.getNodeType());
        }
        byte[] compact = strokes(value);
        return compact != null ? compact : general(value);
    }

    /** The general form of an array (all of it tag-length encoded). */
    static byte[] general(JsonNode array) {
        ByteOutput out = new ByteOutput(256);
        out.writeByte(InkFormat.VERSION);
        value(array, out, 0);
        return out.toByteArray();
    }

    private static byte[] strokes(JsonNode array) {
        StrokeSetEncoder strokes = new StrokeSetEncoder(array.size() * 256);
        for (JsonNode stroke : array) {
            if (!stroke.isArray()) {
                return null;
            }
            strokes.startStroke();
            for (JsonNode point : stroke) {
                if (!point.isArray()) {
                    return null;
                }
                strokes.startPoint();
                for (JsonNode number : point) {
                    if (!number.isNumber() || !strokes.value(number(number))) {
                        return null;
                    }
                }
                if (!strokes.endPoint()) {
                    return null;
                }
            }
            strokes.endStroke();
        }
        return strokes.finish();
    }

    private static void value(JsonNode node, ByteOutput out, int depth) {
        String raw = rawText(node);
        if (raw != null) {
            rawValue(raw, out, depth);
            return;
        }
        switch (node.getNodeType()) {
            case NULL -> out.writeByte(InkFormat.NULL);
            case BOOLEAN -> out.writeByte(node.booleanValue() ? InkFormat.TRUE : InkFormat.FALSE);
            case NUMBER -> number(number(node), out);
            case STRING -> string(node.stringValue(), out);
            case ARRAY -> {
                checkDepth(depth + 1);
                out.writeByte(InkFormat.ARRAY);
                out.writeVarint(node.size());
                for (JsonNode item : node) {
                    value(item, out, depth + 1);
                }
            }
            case OBJECT -> {
                checkDepth(depth + 1);
                out.writeByte(InkFormat.OBJECT);
                out.writeVarint(node.size());
                for (Map.Entry<String, JsonNode> property : node.properties()) {
                    string(property.getKey(), out);
                    value(property.getValue(), out, depth + 1);
                }
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void checkDepth(int depth) {
        if (depth > InkFormat.MAX_DEPTH) {
            throw new IllegalArgumentException("strokes nested deeper than " + InkFormat.MAX_DEPTH + " levels");
        }
    }

    /** A raw value in a tree (a number only its text holds, or JSON kept as text): its text, parsed. */
    private static void rawValue(String raw, ByteOutput out, int depth) {
        if (InkNumber.JSON_NUMBER.matcher(raw).matches()) {
            if (raw.length() > InkFormat.MAX_NUMBER_LENGTH) {
                throw new IllegalArgumentException("a number longer than " + InkFormat.MAX_NUMBER_LENGTH + " characters");
            }
            number(InkNumber.ofText(raw), out);
        } else {
            value(JsonTextEncoder.tree(raw.getBytes(StandardCharsets.UTF_8), InkFormat.MAX_DEPTH - depth), out, depth);
        }
    }

    static InkNumber number(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return new InkNumber.Whole(node.longValue());
        }
        if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
            throw new IllegalArgumentException("not a JSON number: " + node.doubleValue());
        }
        BigDecimal value = node.decimalValue();
        InkNumber number = InkNumber.of(value);
        if (number == null) {
            String text = value.toString();
            if (text.length() > InkFormat.MAX_NUMBER_LENGTH) {
                throw new IllegalArgumentException("a number longer than " + InkFormat.MAX_NUMBER_LENGTH + " characters");
            }
            return new InkNumber.Text(text);
        }
        return number;
    }

    static void number(InkNumber number, ByteOutput out) {
        if (number instanceof InkNumber.Whole whole) {
            out.writeByte(InkFormat.INTEGER);
            out.writeSignedVarint(whole.value());
        } else if (number instanceof InkNumber.Exact exact) {
            byte[] unscaled = exact.value().unscaledValue().toByteArray();
            out.writeByte(InkFormat.DECIMAL);
            out.writeSignedVarint(exact.value().scale());
            out.writeVarint(unscaled.length);
            out.writeBytes(unscaled);
        } else {
            String text = ((InkNumber.Text) number).text();
            out.writeByte(InkFormat.NUMBER_TEXT);
            out.writeVarint(text.length());
            out.writeAscii(text);
        }
    }

    static void string(String text, ByteOutput out) {
        if (hasUnpairedSurrogate(text)) {
            out.writeByte(InkFormat.STRING_UTF16);
            out.writeVarint(text.length() * 2L);
            for (int i = 0; i < text.length(); i++) {
                out.writeByte(text.charAt(i) >> 8);
                out.writeByte(text.charAt(i));
            }
        } else {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            out.writeByte(InkFormat.STRING);
            out.writeVarint(utf8.length);
            out.writeBytes(utf8);
        }
    }

    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rawText(JsonNode node) {
        return node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw ? raw.rawValue().toString() : null;
    }
}

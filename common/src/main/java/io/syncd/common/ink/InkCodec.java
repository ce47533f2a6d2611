package io.syncd.common.ink;

import java.util.Base64;

import tools.jackson.databind.JsonNode;

/**
 * The ink encoding of handwriting strokes (PROTOCOL.md, "Ink encoding (strokes_ink)"): any strokes value v1 accepts,
 * a JSON array, to bytes and back, equal by value; compact for the common shape {@code [[[x, y, p, t], …], …]}.
 */
public final class InkCodec {
    /** The version this codec writes, and the only one it reads. */
    public static final int VERSION = InkFormat.VERSION;

    private InkCodec() {
    }

    /**
     * The encoding of a JSON array. Numbers are taken at their node's value: a double node's is the double's, so
     * parse with exact decimals (or pass the text to {@link #encodeJson}); a raw value node's text is parsed.
     *
     * @throws IllegalArgumentException when {@code strokes} is not a JSON array within v1's bounds
     */
    public static byte[] encode(JsonNode strokes) {
        return InkEncoder.encode(strokes);
    }

    /**
     * The encoding of a JSON array given as UTF-8 text, read with a streaming parser under v1's bounds (nesting,
     * number and string lengths, duplicate keys).
     *
     * @throws IllegalArgumentException when the text is not one JSON array v1 accepts
     */
    public static byte[] encodeJson(byte[] json) {
        return JsonTextEncoder.encode(json);
    }

    /** The strokes value of an encoding, as a tree: whole numbers as int or long nodes, others as exact decimals. */
    public static JsonNode decode(byte[] ink) throws InkFormatException {
        TreeSink tree = new TreeSink();
        InkDecoder.decode(ink, tree);
        return tree.result();
    }

    /**
     * Checks that {@code ink} is one valid encoding of a value nested at most {@code maxDepth} deep (the outermost
     * array is 1), building nothing: what the gateway and the applier refuse at the door.
     */
    public static void check(byte[] ink, int maxDepth) throws InkFormatException {
        InkDecoder.decode(ink, NoSink.INSTANCE, maxDepth);
    }

    /** The strokes value of an encoding as compact UTF-8 JSON text. */
    public static byte[] decodeToJson(byte[] ink) throws InkFormatException {
        JsonTextSink text = new JsonTextSink(ink.length * 5);
        InkDecoder.decode(ink, text);
        return text.result();
    }

    /** The wire form, {@code strokes_ink}: standard base64 with padding (RFC 4648 section 4). */
    public static String toBase64(byte[] ink) {
        return Base64.getEncoder().encodeToString(ink);
    }

    /** The bytes of a {@code strokes_ink} string; anything but standard base64 with padding is refused. */
    public static byte[] fromBase64(String base64) throws InkFormatException {
        int length = base64.length();
        if (length % 4 != 0) {
            throw InkFormatException.notBase64(length, "its length " + length + " is not a multiple of 4");
        }
        for (int i = 0; i < length; i++) {
            char c = base64.charAt(i);
            boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            boolean padding = c == '=' && (i == length - 1 || i == length - 2 && base64.charAt(length - 1) == '=');
            if (!letter && !padding) {
                throw InkFormatException.notBase64(i, "character " + i + " is "
                        + (c >= 0x21 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c)));
            }
        }
        return Base64.getDecoder().decode(base64);
    }
}

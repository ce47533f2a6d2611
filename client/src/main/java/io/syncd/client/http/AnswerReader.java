package io.syncd.client.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Reads a JSON answer of the server (a pull page) into a tree on the device side, keeping every array field of a
 * {@code data} object (handwriting strokes) as its raw text, the way the server stores and sends it: such an array
 * is found by matching brackets, not tokenized (tokenizing ~5 KB of stroke numbers per note, only to store them as
 * text again, was the largest cost of an initial sync of notes).
 *
 * <p>Everything else is read strictly: malformed input throws {@link MalformedAnswerException} with the byte offset.
 * A raw array must come from a writer of JSON (the server validates every array it accepts): it is never parsed here.
 */
public final class AnswerReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int BUFFER = 64 * 1024;
    /** The bytes a string holds as they are: not its end, not an escape, not a control character. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int b = 0x20; b < 256; b++) {
            PLAIN[b] = b != '"' && b != '\\';
        }
    }

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    private long consumed; // bytes of the input before buffer[0]
    private byte[] scratch = new byte[256];
    private int scratchLength;
    private final FieldNames names = new FieldNames();

    private AnswerReader(InputStream in) {
        this.in = in;
    }

    /** Reads one JSON value, the whole of {@code in} (which it does not close). */
    public static JsonNode read(InputStream in) {
        AnswerReader reader = new AnswerReader(in);
        JsonNode value = reader.value();
        if (reader.peek() != -1) {
            throw reader.malformed("trailing content after the JSON value");
        }
        return value;
    }

    /** Reads one JSON value, the whole of {@code bytes}. */
    public static JsonNode read(byte[] bytes) {
        return read(new ByteArrayInputStream(bytes));
    }

    private JsonNode value() {
        int c = peek();
        switch (c) {
            case '{' -> {
                return object(false);
            }
            case '[' -> {
                position++;
                ArrayNode array = NODES.arrayNode();
                if (peek() == ']') {
                    position++;
                    return array;
                }
                do {
                    array.add(value());
                } while (separator(']'));
                return array;
            }
            case '"' -> {
                return NODES.stringNode(string());
            }
            case 't' -> {
                literal("true");
                return NODES.booleanNode(true);
            }
            case 'f' -> {
                literal("false");
                return NODES.booleanNode(false);
            }
            case 'n' -> {
                literal("null");
                return NODES.nullNode();
            }
            case -1 -> throw malformed("unexpected end of input");
            default -> {
                if (c == '-' || c >= '0' && c <= '9') {
                    return number();
                }
                throw malformed("unexpected character '" + (char) c + "'");
            }
        }
    }

    /** The object at the current '{'; in a data object ({@code dataFields}) array fields are cut out raw. */
    private ObjectNode object(boolean dataFields) {
        position++; // '{'
        ObjectNode object = NODES.objectNode();
        if (peek() == '}') {
            position++;
            return object;
        }
        do {
            if (peek() != '"') {
                throw malformed("expected a field name");
            }
            String name = name();
            if (peek() != ':') {
                throw malformed("expected ':'");
            }
            position++;
            if (object.has(name)) {
                throw malformed("duplicate field " + name);
            }
            int next = peek();
            JsonNode value;
            if (dataFields && next == '[') {
                value = NODES.rawValueNode(new RawValue(rawArray()));
            } else if (next == '{') {
                value = object(name.equals("data"));
            } else {
                value = value();
            }
            object.set(name, value);
        } while (separator('}'));
        return object;
    }

    /** After a member: true at ',' (another follows), false at {@code end}. */
    private boolean separator(char end) {
        int c = peek();
        position++;
        if (c == ',') {
            return true;
        }
        if (c == end) {
            return false;
        }
        position--;
        throw malformed(c == -1 ? "unexpected end of input" : "expected ',' or '" + end + "'");
    }

    /** The text of the array at the current '[' up to its matching ']', following strings and brackets only. */
    private String rawArray() {
        scratchLength = 0;
        int depth = 0;
        boolean inString = false;
        while (true) {
            if (position == limit && !fill()) {
                throw malformed("unexpected end of input in an array");
            }
            int start = position;
            byte[] b = buffer;
            int end = limit;
            int i = start;
            if (inString) {
                while (i < end && b[i] != '"' && b[i] != '\\') {
                    i++;
                }
                if (i < end) {
                    if (b[i] == '\\') {
                        if (i + 1 < end) {
                            i += 2; // the escaped character, whatever it is, cannot end the string
                        } else {
                            // The escape's second byte is in the next buffer: copy the backslash and read on.
                            append(b, start, i + 1 - start);
                            position = i + 1;
                            if (!fill()) {
                                throw malformed("unexpected end of input in an array");
                            }
                            append(buffer, position, 1);
                            position++;
                            continue;
                        }
                    } else {
                        inString = false;
                        i++;
                    }
                }
            } else {
                while (i < end) {
                    byte x = b[i++];
                    if (x == '[') {
                        depth++;
                    } else if (x == ']') {
                        if (--depth == 0) {
                            append(b, start, i - start);
                            position = i;
                            return new String(scratch, 0, scratchLength, StandardCharsets.UTF_8);
                        }
                    } else if (x == '"') {
                        inString = true;
                        break;
                    }
                }
            }
            append(b, start, i - start);
            position = i;
        }
    }

    /** A field name: the string, the same instance each time the page repeats it. */
    private String name() {
        int start = position + 1;
        int end = start;
        while (end < limit && PLAIN[buffer[end] & 0xff]) {
            end++;
        }
        if (end == limit || buffer[end] != '"') {
            return string(); // crosses the buffer's end or holds an escape: read it the long way
        }
        position = end + 1;
        return names.of(buffer, start, end);
    }

    private String string() {
        position++; // '"'
        scratchLength = 0;
        while (true) {
            if (position == limit && !fill()) {
                throw malformed("unexpected end of input in a string");
            }
            int start = position;
            int i = start;
            while (i < limit && PLAIN[buffer[i] & 0xff]) {
                i++;
            }
            if (i < limit && (buffer[i] & 0xff) < 0x20) {
                position = i;
                throw malformed("control character in a string");
            }
            if (i == limit) {
                append(buffer, start, i - start);
                position = i;
                continue;
            }
            if (buffer[i] == '"') {
                String text;
                if (scratchLength == 0) {
                    text = new String(buffer, start, i - start, StandardCharsets.UTF_8);
                } else {
                    append(buffer, start, i - start);
                    text = new String(scratch, 0, scratchLength, StandardCharsets.UTF_8);
                }
                position = i + 1;
                return text;
            }
            append(buffer, start, i - start);
            position = i + 1;
            escape();
        }
    }

    /** The escape after a backslash, appended to the scratch bytes as UTF-8. */
    private void escape() {
        int c = next();
        switch (c) {
            case '"', '\\', '/' -> appendByte(c);
            case 'b' -> appendByte('\b');
            case 'f' -> appendByte('\f');
            case 'n' -> appendByte('\n');
            case 'r' -> appendByte('\r');
            case 't' -> appendByte('\t');
            case 'u' -> {
                int unit = hex4();
                int codePoint = unit;
                if (Character.isHighSurrogate((char) unit)) {
                    if (next() != '\\' || next() != 'u') {
                        throw malformed("unpaired surrogate in a string");
                    }
                    int low = hex4();
                    if (!Character.isLowSurrogate((char) low)) {
                        throw malformed("unpaired surrogate in a string");
                    }
                    codePoint = Character.toCodePoint((char) unit, (char) low);
                } else if (Character.isLowSurrogate((char) unit)) {
                    throw malformed("unpaired surrogate in a string");
                }
                byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                append(utf8, 0, utf8.length);
            }
            case -1 -> throw malformed("unexpected end of input in a string");
            default -> throw malformed("invalid escape \\" + (char) c);
        }
    }

    private int hex4() {
        int value = 0;
        for (int k = 0; k < 4; k++) {
            int digit = Character.digit(next(), 16);
            if (digit < 0) {
                throw malformed("invalid \\u escape");
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private JsonNode number() {
        scratchLength = 0;
        boolean integral = true;
        while (position < limit || fill()) {
            byte c = buffer[position];
            if (c == '.' || c == 'e' || c == 'E' || c == '+') {
                integral = false;
            } else if ((c < '0' || c > '9') && c != '-') {
                break;
            }
            appendByte(c);
            position++;
        }
        String digits = new String(scratch, 0, scratchLength, StandardCharsets.ISO_8859_1);
        JsonNode number = JsonNumbers.node(digits, integral);
        if (number == null) {
            throw malformed("invalid number " + digits);
        }
        return number;
    }

    private void literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (next() != word.charAt(k)) {
                throw malformed("invalid literal, expected " + word);
            }
        }
    }

    /** The next byte that is not whitespace, not consumed; -1 at the end. */
    private int peek() {
        while (true) {
            if (position == limit && !fill()) {
                return -1;
            }
            byte c = buffer[position];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c & 0xff;
            }
            position++;
        }
    }

    /** The next byte, consumed; -1 at the end. */
    private int next() {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    private boolean fill() {
        consumed += limit;
        position = 0;
        limit = 0;
        try {
            int n;
            do {
                n = in.read(buffer, 0, buffer.length);
            } while (n == 0);
            if (n < 0) {
                return false;
            }
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void append(byte[] bytes, int offset, int length) {
        if (scratchLength + length > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, scratchLength + length));
        }
        System.arraycopy(bytes, offset, scratch, scratchLength, length);
        scratchLength += length;
    }

    private void appendByte(int b) {
        if (scratchLength == scratch.length) {
            scratch = Arrays.copyOf(scratch, scratch.length * 2);
        }
        scratch[scratchLength++] = (byte) b;
    }

    private MalformedAnswerException malformed(String what) {
        return new MalformedAnswerException("malformed JSON at byte " + (consumed + position) + ": " + what);
    }
}

package io.syncd.common.ink;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads an encoding into a {@link InkSink}, refusing anything that is not exactly one valid encoding: every count is
 * checked against the bytes left before anything is allocated for it, so a few bytes claiming 2^31 points fail at
 * once.
 */
final class InkDecoder {
    private final InkReader in;
    private final InkSink sink;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private int depth;
    private final int maxDepth;
    /** Per channel, the last unscaled value of the current stroke set's strokes so far (section "Stroke set"). */
    private long[] last;
    /** Numbers the stroke sets of this encoding may still hold (they are bounded by v1's data size, not by bytes). */
    private long numbersLeft = InkFormat.MAX_STROKE_NUMBERS;

    private InkDecoder(byte[] ink, InkSink sink, int maxDepth) {
        this.in = new InkReader(ink);
        this.sink = sink;
        this.maxDepth = maxDepth;
    }

    static void decode(byte[] ink, InkSink sink) throws InkFormatException {
        decode(ink, sink, InkFormat.MAX_DEPTH);
    }

    /** @param maxDepth the deepest nesting of the strokes value allowed, the outermost array being 1 */
    static void decode(byte[] ink, InkSink sink, int maxDepth) throws InkFormatException {
        new InkDecoder(ink, sink, Math.min(maxDepth, InkFormat.MAX_DEPTH)).document();
    }

    private void document() throws InkFormatException {
        int version = in.readByte("the version byte");
        if (version != InkFormat.VERSION) {
            throw in.error(0, "unknown version " + version + " (this decoder reads version " + InkFormat.VERSION + ")");
        }
        int at = in.position();
        int tag = in.readByte("the value's tag");
        if (tag == InkFormat.ARRAY) {
            array();
        } else if (tag == InkFormat.STROKES) {
            strokes(at);
        } else {
            throw in.error(at, String.format("the value must be an array (tag 0x08 or 0x0A), not tag 0x%02X", tag));
        }
        if (in.remaining() > 0) {
            throw in.error(in.position(), in.remaining() + " trailing bytes after the value");
        }
    }

    private void value() throws InkFormatException {
        int at = in.position();
        int tag = in.readByte("a value's tag");
        switch (tag) {
            case InkFormat.NULL -> sink.nullValue();
            case InkFormat.FALSE -> sink.booleanValue(false);
            case InkFormat.TRUE -> sink.booleanValue(true);
            case InkFormat.INTEGER -> sink.longValue(in.readSignedVarint("an integer"));
            case InkFormat.DECIMAL -> decimal(at);
            case InkFormat.NUMBER_TEXT -> numberText(at);
            case InkFormat.STRING -> sink.string(utf8String());
            case InkFormat.STRING_UTF16 -> sink.string(utf16String());
            case InkFormat.ARRAY -> array();
            case InkFormat.OBJECT -> object();
            case InkFormat.STROKES -> strokes(at);
            default -> throw in.error(at, String.format("unknown tag 0x%02X", tag));
        }
    }

    private void deeper(int at, int levels) throws InkFormatException {
        if (depth + levels > maxDepth) {
            throw in.error(at, "nested deeper than " + maxDepth + " levels");
        }
    }

    private void array() throws InkFormatException {
        deeper(in.position() - 1, 1);
        int count = in.readCount("array count", 1);
        depth++;
        sink.startArray(count);
        in.enter();
        for (int i = 0; i < count; i++) {
            in.at(i);
            value();
        }
        in.leave();
        sink.endArray();
        depth--;
    }

    private void object() throws InkFormatException {
        deeper(in.position() - 1, 1);
        int count = in.readCount("object count", 2);
        depth++;
        sink.startObject(count);
        in.enter();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < count; i++) {
            in.at(i);
            int at = in.position();
            int tag = in.readByte("a key's tag");
            String key = switch (tag) {
                case InkFormat.STRING -> utf8String();
                case InkFormat.STRING_UTF16 -> utf16String();
                default -> throw in.error(at, String.format("a key must be a string (tag 0x06 or 0x07), not tag 0x%02X", tag));
            };
            if (!keys.add(key)) {
                throw in.error(at, "duplicate key \"" + key + "\"");
            }
            in.at(key);
            sink.key(key);
            value();
        }
        in.leave();
        sink.endObject();
        depth--;
    }

    /** A stroke set: the strokes, each its points, each point one value per channel (section "Stroke set"). */
    private void strokes(int at) throws InkFormatException {
        deeper(at, 3);
        int strokes = in.readCount("stroke count", 1);
        depth += 3;
        sink.startArray(strokes);
        in.enter();
        long[] outer = last;
        last = new long[0];
        for (int s = 0; s < strokes; s++) {
            in.at(s);
            stroke();
        }
        last = outer;
        in.leave();
        sink.endArray();
        depth -= 3;
    }

    private void stroke() throws InkFormatException {
        int at = in.position();
        long points = in.readVarint("point count");
        // Packed deltas of width 0 take no bytes, so the count is held to the numbers a stroke set may still hold.
        if (Long.compareUnsigned(points, numbersLeft) > 0) {
            throw in.error(at, "point count " + Long.toUnsignedString(points) + " is past the "
                    + InkFormat.MAX_STROKE_NUMBERS + " numbers stroke sets may hold: " + numbersLeft + " are left");
        }
        sink.startArray((int) points);
        if (points > 0) {
            channels((int) points);
        }
        sink.endArray();
    }

    private void channels(int points) throws InkFormatException {
        int at = in.position();
        long channels = in.readVarint("channel count");
        if (channels == 0) {
            throw in.error(at, "a stroke with points has at least one channel");
        }
        // Each channel takes its scale and first delta, and with 2 points or more its least delta and width too.
        int bytesEach = points > 1 ? 4 : 2;
        if (Long.compareUnsigned(channels, in.remaining() / bytesEach) > 0) {
            throw in.error(at, "channel count " + Long.toUnsignedString(channels) + " of " + points
                    + " points is past the end: " + in.remaining() + " bytes are left");
        }
        if (channels * points > numbersLeft) {
            throw in.error(at, "channel count " + channels + " of " + points + " points is past the "
                    + InkFormat.MAX_STROKE_NUMBERS + " numbers stroke sets may hold: " + numbersLeft + " are left");
        }
        numbersLeft -= channels * points;
        channelValues((int) channels, points);
    }

    private void channelValues(int channels, int points) throws InkFormatException {
        long[] values = new long[channels * points];
        int[] scales = new int[channels];
        if (channels > last.length) {
            last = Arrays.copyOf(last, channels);
        }
        in.enter();
        in.enter();
        for (int c = 0; c < channels; c++) {
            int at = in.position();
            in.at(0, c);
            long scale = in.readVarint("a channel's scale");
            if (Long.compareUnsigned(scale, InkFormat.MAX_SCALE) > 0) {
                throw in.error(at, "scale " + Long.toUnsignedString(scale) + " is past " + InkFormat.MAX_SCALE);
            }
            scales[c] = (int) scale;
            values[c] = last[c] + in.readSignedVarint("a stroke's first delta"); // wraps modulo 2^64, as encoded
            if (points > 1) {
                in.at(1, c);
                unpackDeltas(values, channels, c);
            }
            last[c] = values[values.length - channels + c];
        }
        in.leave();
        in.leave();
        sink.points(values, channels, scales, points);
    }

    /** Points 1 … N−1 of a channel: its least delta, the width, and each delta's difference from the least. */
    private void unpackDeltas(long[] values, int channels, int channel) throws InkFormatException {
        long min = in.readSignedVarint("a channel's least delta");
        int at = in.position();
        int width = in.readByte("a channel's delta width");
        if (width > InkFormat.MAX_WIDTH) {
            throw in.error(at, "delta width " + width + " is past " + InkFormat.MAX_WIDTH);
        }
        int count = values.length / channels - 1;
        long length = ((long) count * width + 7) / 8;
        if (length > in.remaining()) {
            throw in.error(in.position(), count + " deltas of " + width + " bits (" + length
                    + " bytes) are past the end: " + in.remaining() + " bytes are left");
        }
        byte[] bytes = in.bytes();
        int position = in.position();
        long mask = width == 64 ? -1L : (1L << width) - 1;
        long acc = 0; // bits read but not yet taken: the next value's low bits
        int bits = 0;
        for (int i = channel + channels; i < values.length; i += channels) {
            long value;
            if (width == 0) {
                value = 0;
            } else {
                while (bits < width && bits <= 56) {
                    acc |= (long) (bytes[position++] & 0xFF) << bits;
                    bits += 8;
                }
                if (bits >= width) {
                    value = acc & mask;
                    acc = width == 64 ? 0 : acc >>> width;
                    bits -= width;
                } else { // 57 to 63 bits held, a wider value: its top bits are in the next byte
                    long next = bytes[position++] & 0xFF;
                    value = (acc | next << bits) & mask;
                    acc = next >>> (width - bits);
                    bits = 8 - (width - bits);
                }
            }
            values[i] = values[i - channels] + min + value; // wraps modulo 2^64, as the encoder subtracted
        }
        in.skip(position - in.position());
        if (acc != 0) {
            throw in.error(position - 1, "the padding bits after the last packed delta are not 0");
        }
    }

    private void decimal(int at) throws InkFormatException {
        long scale = in.readSignedVarint("a decimal's scale");
        if (scale != (int) scale) {
            throw in.error(at, "a decimal's scale " + scale + " is past 32 bits");
        }
        int length = in.readCount("a decimal's length", 1);
        if (length == 0 || length > InkFormat.MAX_DECIMAL_BYTES) {
            throw in.error(at, "a decimal's unscaled value takes 1 to " + InkFormat.MAX_DECIMAL_BYTES + " bytes, not "
                    + length);
        }
        BigInteger unscaled = new BigInteger(in.bytes(), in.position(), length);
        in.skip(length);
        if (!InkNumber.emit(new BigDecimal(unscaled, (int) scale), sink)) {
            throw in.error(at, "a decimal longer than " + InkFormat.MAX_NUMBER_LENGTH + " characters");
        }
    }

    private void numberText(int at) throws InkFormatException {
        int length = in.readCount("a number's length", 1);
        if (length == 0 || length > InkFormat.MAX_NUMBER_LENGTH) {
            throw in.error(at, "a number's text takes 1 to " + InkFormat.MAX_NUMBER_LENGTH + " bytes, not " + length);
        }
        String text = new String(in.bytes(), in.position(), length, StandardCharsets.ISO_8859_1);
        if (!InkNumber.JSON_NUMBER.matcher(text).matches()) {
            throw in.error(at, "not a JSON number");
        }
        in.skip(length);
        sink.numberText(text);
    }

    private String utf8String() throws InkFormatException {
        int length = in.readCount("a string's length", 1);
        int start = in.position();
        byte[] bytes = in.bytes();
        boolean ascii = true;
        for (int i = start; i < start + length && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        in.skip(length);
        if (ascii) {
            return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        }
        ByteBuffer input = ByteBuffer.wrap(bytes, start, length);
        CharBuffer output = CharBuffer.allocate(length);
        utf8.reset();
        CoderResult result = utf8.decode(input, output, true);
        if (result.isError()) {
            throw in.error(input.position(), "invalid UTF-8 in a string");
        }
        return output.flip().toString();
    }

    private String utf16String() throws InkFormatException {
        int at = in.position();
        int length = in.readCount("a string's length", 1);
        if (length % 2 != 0) {
            throw in.error(at, "a UTF-16 string's length " + length + " is odd");
        }
        byte[] bytes = in.bytes();
        int start = in.position();
        char[] chars = new char[length / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ((bytes[start + 2 * i] & 0xFF) << 8 | bytes[start + 2 * i + 1] & 0xFF);
        }
        in.skip(length);
        return new String(chars);
    }
}

package io.syncd.common.ink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growing byte array with the varint writes of the encoding (unsigned LEB128, zig-zag for signed values). */
final class ByteOutput {
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    private byte[] bytes;
    private int size;

    ByteOutput(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    void writeByte(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
    }

    /** {@code value} as an unsigned 64-bit number, 7 bits a byte, low first, the high bit set on all but the last. */
    void writeVarint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        bytes[size++] = (byte) value;
    }

    /** Zig-zag: 0, -1, 1, -2, 2 … become 0, 1, 2, 3, 4 …, so small negative numbers take few bytes too. */
    void writeSignedVarint(long value) {
        writeVarint((value << 1) ^ (value >> 63));
    }

    /** The 8 bytes of {@code value}, least significant first. */
    void writeLongLittleEndian(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            bytes[size++] = (byte) value;
            value >>>= 8;
        }
    }

    void writeBytes(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    void writeBytes(byte[] source) {
        writeBytes(source, 0, source.length);
    }

    void write(ByteOutput other) {
        writeBytes(other.bytes, 0, other.size);
    }

    /** The chars of {@code text}, each below U+0080, as one byte each. */
    void writeAscii(String text) {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
    }

    /** {@code value} in decimal ASCII digits, written in place (a decoded note has ~1,000 of them). */
    void writeDecimal(long value) {
        ensure(20);
        size = putDecimal(bytes, size, value);
    }

    /**
     * A stroke's points whose numbers are all whole, as JSON arrays {@code [v,v,…],[v,…]…}, preceded by a comma when
     * {@code comma}: {@code values} holds {@code points} × {@code channels} numbers, point by point. One bounds check
     * for the stroke instead of one a byte: these numbers are most of a JSON device's pull.
     */
    void writeWholePoints(long[] values, int channels, int points, boolean comma) {
        // At most a sign and 19 digits a number, its comma, the point's brackets and comma.
        ensure(Math.toIntExact((long) points * (21L * channels + 3)));
        byte[] out = bytes;
        int at = size;
        int next = 0;
        for (int p = 0; p < points; p++) {
            if (p > 0 || comma) {
                out[at++] = ',';
            }
            out[at++] = '[';
            for (int c = 0; c < channels; c++) {
                if (c > 0) {
                    out[at++] = ',';
                }
                at = putDecimal(out, at, values[next++]);
            }
            out[at++] = ']';
        }
        size = at;
    }

    /** Puts {@code value}'s decimal digits (and sign) at {@code at}, with room for 20 bytes; returns where they end. */
    private static int putDecimal(byte[] out, int at, long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                for (byte digit : MIN_LONG) {
                    out[at++] = digit;
                }
                return at;
            }
            out[at++] = '-';
            value = -value;
        }
        if (value < 10) {
            out[at++] = (byte) ('0' + value);
            return at;
        }
        int end = at + digits(value);
        for (int i = end - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return end;
    }

    /** How many decimal digits a value {@code >= 0} has, by comparison rather than a division a digit. */
    private static int digits(long value) {
        int digits = 1;
        for (long power = 10; digits < 19 && value >= power; power *= 10) {
            digits++;
        }
        return digits;
    }

    /**
     * Writes {@code unscaled} × 10^−{@code scale} in plain notation ({@code 0.05}, {@code -12.5}); the caller has
     * stripped trailing zeros, and {@code unscaled} is not {@link Long#MIN_VALUE}, {@code 1 <= scale <= 25}.
     */
    void writePlainDecimal(long unscaled, int scale) {
        ensure(48);
        if (unscaled < 0) {
            bytes[size++] = '-';
            unscaled = -unscaled;
        }
        int digits = digits(unscaled);
        int whole = Math.max(digits - scale, 0); // digits before the point; none: a single 0
        int fraction = size + Math.max(whole, 1) + 1;
        int end = fraction + scale;
        for (int i = end - 1; i >= fraction; i--) { // the low digits, zero-padded to the scale
            bytes[i] = (byte) ('0' + unscaled % 10);
            unscaled /= 10;
        }
        bytes[fraction - 1] = '.';
        for (int i = fraction - 2; i >= size; i--) {
            bytes[i] = (byte) ('0' + unscaled % 10);
            unscaled /= 10;
        }
        size = end;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
        }
    }
}

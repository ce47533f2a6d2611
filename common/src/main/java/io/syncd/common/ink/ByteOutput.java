package io.syncd.common.ink;

import java.util.Arrays;

/** A growing byte array with the varint writes of the encoding (unsigned LEB128, zig-zag for signed values). */
final class ByteOutput {
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
        if (value == Long.MIN_VALUE) {
            writeAscii(Long.toString(value));
            return;
        }
        ensure(20);
        if (value < 0) {
            bytes[size++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        for (int i = size + digits - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += digits;
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
        int digits = 1;
        for (long rest = unscaled / 10; rest != 0; rest /= 10) {
            digits++;
        }
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

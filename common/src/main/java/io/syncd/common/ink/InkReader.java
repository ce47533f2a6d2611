package io.syncd.common.ink;

/**
 * Reads an encoding's bytes with every read checked: past the end, a varint over 10 bytes or 64 bits, a count larger
 * than the bytes left could hold. Knows the path of the value being read, for the error.
 */
final class InkReader {
    private final byte[] bytes;
    private int position;
    /** The path: per level, an array index, or an object key when {@code keys[level]} is set. */
    private final int[] indexes = new int[InkFormat.MAX_DEPTH + 4];
    private final String[] keys = new String[InkFormat.MAX_DEPTH + 4];
    private int levels;

    InkReader(byte[] bytes) {
        this.bytes = bytes;
    }

    byte[] bytes() {
        return bytes;
    }

    int position() {
        return position;
    }

    int remaining() {
        return bytes.length - position;
    }

    void skip(int length) {
        position += length;
    }

    int readByte(String what) throws InkFormatException {
        if (position >= bytes.length) {
            throw error(position, "the input ends where " + what + " was expected");
        }
        return bytes[position++] & 0xFF;
    }

    long readVarint(String what) throws InkFormatException {
        int start = position;
        long value = 0;
        for (int i = 0; i < 10; i++) {
            if (position >= bytes.length) {
                throw error(start, "truncated varint (" + what + "): the input ends inside it");
            }
            int b = bytes[position++] & 0xFF;
            if (i == 9) {
                if ((b & 0x80) != 0) {
                    throw error(start, "varint (" + what + ") longer than 10 bytes");
                }
                if (b > 1) {
                    throw error(start, "varint (" + what + ") exceeds 64 bits");
                }
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new AssertionError("unreachable: the tenth byte ends or fails the varint");
    }

    long readSignedVarint(String what) throws InkFormatException {
        long zigzag = readVarint(what);
        return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    /**
     * A count of items that take at least {@code bytesEach} bytes each: larger than the bytes left could hold is an
     * error before anything is allocated for it.
     */
    int readCount(String what, int bytesEach) throws InkFormatException {
        int start = position;
        long count = readVarint(what);
        long fits = remaining() / bytesEach;
        if (Long.compareUnsigned(count, fits) > 0) {
            throw error(start, what + " " + Long.toUnsignedString(count) + " is past the end: " + remaining()
                    + " bytes are left");
        }
        return (int) count;
    }

    /** Enters a container: its items are numbered from 0 on the next level of the path. */
    void enter() {
        keys[levels] = null;
        indexes[levels] = 0;
        levels++;
    }

    void leave() {
        levels--;
    }

    void at(int index) {
        keys[levels - 1] = null;
        indexes[levels - 1] = index;
    }

    /** A stroke's value: point {@code point} on the level above the innermost, channel {@code channel} on it. */
    void at(int point, int channel) {
        indexes[levels - 2] = point;
        indexes[levels - 1] = channel;
    }

    void at(String key) {
        keys[levels - 1] = key;
    }

    InkFormatException error(int offset, String problem) {
        StringBuilder path = new StringBuilder();
        for (int level = 0; level < levels; level++) {
            if (keys[level] != null) {
                path.append('.').append(keys[level]);
            } else {
                path.append('[').append(indexes[level]).append(']');
            }
        }
        return new InkFormatException(offset, path.toString(), problem);
    }
}

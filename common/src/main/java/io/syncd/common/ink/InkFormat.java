package io.syncd.common.ink;

import io.syncd.common.Limits;

/** The constants of ink version 1, byte for byte as docs/PROTOCOL.md ("Ink encoding (strokes_ink)") lays them out. */
final class InkFormat {
    /** The first byte of every encoding. */
    static final int VERSION = 1;

    static final int NULL = 0x00;
    static final int FALSE = 0x01;
    static final int TRUE = 0x02;
    /** A whole number within 64 bits: zig-zag varint. */
    static final int INTEGER = 0x03;
    /** Any other number BigDecimal holds: zig-zag varint scale, varint length, big-endian two's complement unscaled. */
    static final int DECIMAL = 0x04;
    /** A number whose exponent is past BigDecimal's range (v1 keeps such text as sent): varint length, ASCII text. */
    static final int NUMBER_TEXT = 0x05;
    /** A string: varint length, well-formed UTF-8. */
    static final int STRING = 0x06;
    /** A string with an unpaired surrogate (JSON text may escape one, "\ud800"): varint length, UTF-16BE units. */
    static final int STRING_UTF16 = 0x07;
    /** varint count, then that many values. */
    static final int ARRAY = 0x08;
    /** varint count, then that many pairs of a key (a string value) and a value. */
    static final int OBJECT = 0x09;
    /**
     * The compact form of [[[x, y, p, t], …], …]: per stroke and channel, a scale, the first delta, and the other
     * deltas bit-packed at one width above their least.
     */
    static final int STROKES = 0x0A;

    /**
     * Deepest nesting of a decoded value (the outermost array is level 1; a stroke set counts 3): the v1 parser's
     * bound, so every strokes value v1 accepted (it sits at least two levels inside a request or import line) encodes.
     */
    static final int MAX_DEPTH = Limits.MAX_JSON_DEPTH;
    /** Longest number text written (v1's parser refuses longer ones). */
    static final int MAX_NUMBER_LENGTH = Limits.MAX_JSON_NUMBER_LENGTH;
    /** Longest unscaled value of a decimal in bytes: more than the 1,000 digits a number may have. */
    static final int MAX_DECIMAL_BYTES = 512;
    /** Widest bit-packed delta: a difference of two 64-bit values. */
    static final int MAX_WIDTH = 64;
    /**
     * Most numbers the stroke sets of one encoding hold. Bit-packed deltas of width 0 take no bytes, so bytes left do
     * not bound a point count; v1 bounds it instead: a record's data is at most 1 MiB, and a number takes 2 bytes of
     * it at least (a digit, and a comma or a bracket).
     */
    static final int MAX_STROKE_NUMBERS = Limits.MAX_DATA_BYTES / 2;
    /** Largest per-channel scale of a stroke set (a BigDecimal scale is an int). */
    static final long MAX_SCALE = Integer.MAX_VALUE;

    private InkFormat() {
    }
}

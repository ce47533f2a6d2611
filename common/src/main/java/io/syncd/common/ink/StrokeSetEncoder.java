package io.syncd.common.ink;

import java.util.Arrays;

/**
 * Builds the compact form of a stroke set, point by point, from a tree or a token stream; says "not this shape"
 * (false) when a point's arity differs from its stroke's first point, a point is empty, a value does not fit a
 * 64-bit integer at its channel's scale, or the set holds more numbers than a decoder takes. The caller then uses the
 * general form.
 */
final class StrokeSetEncoder {
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final ByteOutput body;
    private int strokes;
    /** The current stroke's values, point by point, each at its channel's scale. */
    private long[] values = new long[256];
    private int[] scales = new int[8];
    /** Per channel, the last unscaled value of the strokes so far: a stroke's first delta is from it. */
    private long[] last = new long[8];
    private int size;
    private int channels;
    private int points;
    private int pointStart;
    /** Numbers of the whole stroke set so far: past {@link InkFormat#MAX_STROKE_NUMBERS} it takes the general form. */
    private int numbers;

    StrokeSetEncoder(int capacity) {
        body = new ByteOutput(capacity);
    }

    void startStroke() {
        size = 0;
        channels = 0;
        points = 0;
    }

    void startPoint() {
        pointStart = size;
    }

    /** Adds the current point's next value, {@code unscaled} × 10^-{@code scale} with scale ≥ 0. */
    boolean value(long unscaled, int scale) {
        if (++numbers > InkFormat.MAX_STROKE_NUMBERS) {
            return false;
        }
        int channel = size - pointStart;
        try {
            if (points == 0) {
                if (channel == scales.length) {
                    scales = Arrays.copyOf(scales, channel * 2);
                }
                scales[channel] = scale;
            } else if (channel >= channels) {
                return false;
            } else if (scale > scales[channel]) {
                rescale(channel, scale);
            } else if (scale < scales[channel]) {
                unscaled = times(unscaled, scales[channel] - scale);
            }
        } catch (ArithmeticException e) {
            return false; // past 64 bits at the channel's scale
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = unscaled;
        return true;
    }

    boolean value(InkNumber number) {
        if (number instanceof InkNumber.Whole whole) {
            return value(whole.value(), 0);
        }
        if (number instanceof InkNumber.Exact exact && exact.value().scale() > 0
                && exact.value().unscaledValue().bitLength() < 64) {
            return value(exact.value().unscaledValue().longValue(), exact.value().scale());
        }
        return false;
    }

    boolean endPoint() {
        int arity = size - pointStart;
        if (points == 0) {
            if (arity == 0) {
                return false;
            }
            channels = arity;
        } else if (arity != channels) {
            return false;
        }
        points++;
        return true;
    }

    void endStroke() {
        body.writeVarint(points);
        if (points > 0) {
            body.writeVarint(channels);
            if (channels > last.length) {
                last = Arrays.copyOf(last, channels);
            }
            for (int c = 0; c < channels; c++) {
                body.writeVarint(scales[c]);
                body.writeSignedVarint(values[c] - last[c]); // modulo 2^64: the decoder's sum wraps back
                if (points > 1) {
                    packDeltas(c);
                }
                last[c] = values[(points - 1) * channels + c];
            }
        }
        strokes++;
    }

    /**
     * A channel's deltas within the stroke: the least one, the width of the largest difference from it, and each
     * difference in that many bits. A pen moves a few units a point, so a delta takes a few bits, not a byte.
     */
    private void packDeltas(int channel) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = channel + channels; i < size; i += channels) {
            long delta = values[i] - values[i - channels];
            min = Math.min(min, delta);
            max = Math.max(max, delta);
        }
        int width = 64 - Long.numberOfLeadingZeros(max - min); // max - min is unsigned: up to 2^64 - 1
        body.writeSignedVarint(min);
        body.writeByte(width);
        if (width == 0) {
            return;
        }
        // Little-endian bits: each value starts at the lowest free bit; 0 to 7 bits wait in acc between values.
        long acc = 0;
        int bits = 0;
        for (int i = channel + channels; i < size; i += channels) {
            long value = values[i] - values[i - channels] - min;
            acc |= value << bits;
            if (bits + width >= 64) {
                body.writeLongLittleEndian(acc);
                acc = bits == 0 ? 0 : value >>> (64 - bits);
                bits += width - 64;
            } else {
                bits += width;
            }
            for (; bits >= 8; bits -= 8) {
                body.writeByte((int) acc);
                acc >>>= 8;
            }
        }
        if (bits > 0) {
            body.writeByte((int) acc); // the padding bits above the last value are 0
        }
    }

    byte[] finish() {
        ByteOutput out = new ByteOutput(body.size() + 8);
        out.writeByte(InkFormat.VERSION);
        out.writeByte(InkFormat.STROKES);
        out.writeVarint(strokes);
        out.write(body);
        return out.toByteArray();
    }

    /** Raises a channel's scale: its earlier values of this stroke are multiplied up to it. */
    private void rescale(int channel, int scale) {
        int factor = scale - scales[channel];
        for (int i = channel; i < pointStart; i += channels) {
            values[i] = times(values[i], factor);
        }
        scales[channel] = scale;
    }

    private static long times(long value, int powerOfTen) {
        if (value == 0) {
            return 0;
        }
        if (powerOfTen >= POWERS_OF_TEN.length) {
            throw new ArithmeticException("past 64 bits");
        }
        return Math.multiplyExact(value, POWERS_OF_TEN[powerOfTen]);
    }
}

package io.syncd.common.ink;

import java.util.Arrays;

/**
 * Builds the compact form of a stroke set, point by point, from a tree or a token stream; says "not this shape"
 * (false) when a point's arity differs from its stroke's first point, a point is empty, or a value does not fit a
 * 64-bit integer at its channel's scale. The caller then uses the general form.
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
                long previous = last[c];
                for (int i = c; i < size; i += channels) {
                    body.writeSignedVarint(values[i] - previous); // modulo 2^64: the decoder's sum wraps back
                    previous = values[i];
                }
                last[c] = previous;
            }
        }
        strokes++;
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

package io.syncd.common.ink;

import java.math.BigDecimal;

/**
 * Writes the decoded value as compact UTF-8 JSON text. Written here rather than by Jackson's generator, which refuses
 * a string with an unpaired surrogate: those are written escaped ({@code \ud800}), as v1 JSON text may hold them.
 */
final class JsonTextSink implements InkSink {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final ByteOutput out;
    private boolean comma;

    JsonTextSink(int capacity) {
        out = new ByteOutput(capacity);
    }

    byte[] result() {
        return out.toByteArray();
    }

    private void separate() {
        if (comma) {
            out.writeByte(',');
        }
        comma = true;
    }

    @Override
    public void startArray(int size) {
        separate();
        out.writeByte('[');
        comma = false;
    }

    @Override
    public void endArray() {
        out.writeByte(']');
        comma = true;
    }

    @Override
    public void startObject(int size) {
        separate();
        out.writeByte('{');
        comma = false;
    }

    @Override
    public void key(String key) {
        separate();
        quote(key);
        out.writeByte(':');
        comma = false;
    }

    @Override
    public void endObject() {
        out.writeByte('}');
        comma = true;
    }

    @Override
    public void nullValue() {
        separate();
        out.writeAscii("null");
    }

    @Override
    public void booleanValue(boolean value) {
        separate();
        out.writeAscii(value ? "true" : "false");
    }

    @Override
    public void longValue(long value) {
        separate();
        out.writeDecimal(value);
    }

    @Override
    public void decimalValue(BigDecimal value, String text) {
        separate();
        out.writeAscii(text);
    }

    /**
     * Stroke coordinates with decimals are most of a JSON device's pull: written from the long, without the
     * BigDecimal and its text that {@link InkNumber#emit} makes, in the same canonical form (plain notation, no
     * trailing zeros); what would take exponent notation goes the general way.
     */
    @Override
    public void scaledValue(long unscaled, int scale) {
        while (scale > 0 && unscaled % 10 == 0) {
            unscaled /= 10;
            scale--;
        }
        if (scale == 0) {
            longValue(unscaled);
            return;
        }
        int digits = 1;
        for (long rest = unscaled / 10; rest != 0; rest /= 10) {
            digits++;
        }
        // BigDecimal's canonical text turns to exponent notation when the adjusted exponent is below -6.
        if (unscaled == Long.MIN_VALUE || scale > 25 || digits - 1 - scale < -6) {
            InkSink.super.scaledValue(unscaled, scale);
            return;
        }
        separate();
        out.writePlainDecimal(unscaled, scale);
    }

    @Override
    public void points(long[] values, int channels, int[] scales, int points) {
        for (int c = 0; c < channels; c++) {
            if (scales[c] != 0) {
                InkSink.super.points(values, channels, scales, points);
                return;
            }
        }
        if (points > 0) {
            out.writeWholePoints(values, channels, points, comma);
            comma = true;
        }
    }

    @Override
    public void numberText(String text) {
        separate();
        out.writeAscii(text);
    }

    @Override
    public void string(String value) {
        separate();
        quote(value);
    }

    private void quote(String text) {
        out.writeByte('"');
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.writeByte('\\');
                out.writeByte(c);
            } else if (c < 0x20) {
                escape(c);
            } else if (c < 0x80) {
                out.writeByte(c);
            } else if (c < 0x800) {
                out.writeByte(0xC0 | c >> 6);
                out.writeByte(0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                int code = Character.toCodePoint(c, text.charAt(++i));
                out.writeByte(0xF0 | code >> 18);
                out.writeByte(0x80 | code >> 12 & 0x3F);
                out.writeByte(0x80 | code >> 6 & 0x3F);
                out.writeByte(0x80 | code & 0x3F);
            } else if (Character.isSurrogate(c)) {
                escape(c);
            } else {
                out.writeByte(0xE0 | c >> 12);
                out.writeByte(0x80 | c >> 6 & 0x3F);
                out.writeByte(0x80 | c & 0x3F);
            }
        }
        out.writeByte('"');
    }

    private void escape(char c) {
        out.writeByte('\\');
        out.writeByte('u');
        out.writeByte(HEX[c >> 12]);
        out.writeByte(HEX[c >> 8 & 0xF]);
        out.writeByte(HEX[c >> 4 & 0xF]);
        out.writeByte(HEX[c & 0xF]);
    }
}

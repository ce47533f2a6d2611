package io.syncd.common.ink;

import java.math.BigDecimal;

/** What the decoder produces, one event per JSON token: a tree or JSON text is built from it. */
interface InkSink {
    void startArray(int size);

    void endArray();

    void startObject(int size);

    void key(String key);

    void endObject();

    void nullValue();

    void booleanValue(boolean value);

    void longValue(long value);

    /** A number that is not a whole 64-bit one, without trailing zeros, and {@code text} its JSON text. */
    void decimalValue(BigDecimal value, String text);

    /** A number that only its JSON text holds (its exponent is past BigDecimal's range). */
    void numberText(String text);

    void string(String value);

    /**
     * A number of a stroke set's channel with a decimal scale: {@code unscaled} × 10^−{@code scale}, {@code scale >= 1}.
     * By default its canonical form ({@link InkNumber#emit}); a sink may take it without building a decimal.
     */
    default void scaledValue(long unscaled, int scale) {
        InkNumber.emit(BigDecimal.valueOf(unscaled, scale), this); // 19 digits: never past the limit
    }

    /**
     * A stroke's points: {@code points} arrays of {@code channels} numbers, {@code values} point by point, channel
     * {@code c}'s numbers whole when {@code scales[c]} is 0, else scaled ({@link #scaledValue}). By default one
     * event a token; a sink may write them in one go.
     */
    default void points(long[] values, int channels, int[] scales, int points) {
        for (int p = 0; p < points; p++) {
            startArray(channels);
            for (int c = 0; c < channels; c++) {
                long value = values[p * channels + c];
                if (scales[c] == 0) {
                    longValue(value);
                } else {
                    scaledValue(value, scales[c]);
                }
            }
            endArray();
        }
    }
}

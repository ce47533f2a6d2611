package io.syncd.common.ink;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A JSON number as the encoding holds it, compared by value ({@code 1.50} = {@code 1.5}, {@code 1e3} = {@code 1000},
 * {@code -0} = {@code 0}): a whole number within 64 bits, an exact decimal without trailing zeros, or, when its
 * exponent is past what a decimal holds (v1 keeps {@code 1e99999999999} as sent), its text.
 */
sealed interface InkNumber {
    Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    /** A whole number within 64 bits. */
    record Whole(long value) implements InkNumber {
    }

    /** Any other number with a decimal form of at most {@link InkFormat#MAX_NUMBER_LENGTH} characters, stripped. */
    record Exact(BigDecimal value) implements InkNumber {
    }

    /** A JSON number's text, for a number no decimal form of v1's length holds. */
    record Text(String text) implements InkNumber {
    }

    /** The number a JSON parser read as {@code text} (valid JSON number syntax). */
    static InkNumber ofText(String text) {
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) {
            return new Text(text); // the exponent is past an int
        }
        InkNumber number = of(value);
        return number == null ? new Text(text) : number;
    }

    /** {@code value} as a whole or exact number; null when its stripped decimal form is past the longest number text. */
    static InkNumber of(BigDecimal value) {
        BigDecimal stripped;
        try {
            stripped = value.stripTrailingZeros();
        } catch (ArithmeticException e) {
            return null; // stripping would take the scale past an int
        }
        if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19) {
            try {
                return new Whole(stripped.longValueExact());
            } catch (ArithmeticException e) {
                // 19 digits past Long.MAX_VALUE: a decimal
            }
        }
        // 19 digits and a sign, point and exponent are far below the limit: only longer ones need their text counted.
        if (stripped.precision() > 19 && stripped.toString().length() > InkFormat.MAX_NUMBER_LENGTH) {
            return null;
        }
        return new Exact(stripped);
    }

    /** Hands a decoded decimal to {@code sink} in its canonical form; false when that is past the longest number. */
    static boolean emit(BigDecimal value, InkSink sink) {
        InkNumber number = of(value);
        if (number instanceof Whole whole) {
            sink.longValue(whole.value());
            return true;
        }
        if (number instanceof Exact exact) {
            sink.decimalValue(exact.value(), exact.value().toString());
            return true;
        }
        return false;
    }
}

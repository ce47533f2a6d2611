package io.syncd.common.ink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A JSON device's coordinates are written from the long (the fast paths of {@link JsonTextSink}): the text must be
 * exactly the canonical form the general path writes, for every value and scale, exponent forms included.
 */
class ScaledValueTest {
    private static String fast(long unscaled, int scale) {
        JsonTextSink sink = new JsonTextSink(16);
        sink.scaledValue(unscaled, scale);
        return new String(sink.result(), StandardCharsets.US_ASCII);
    }

    private static String canonical(long unscaled, int scale) {
        InkNumber number = InkNumber.of(BigDecimal.valueOf(unscaled, scale));
        return number instanceof InkNumber.Whole whole ? Long.toString(whole.value())
                : ((InkNumber.Exact) number).value().toString();
    }

    @Test
    void writesWholeNumbersOfEveryMagnitudeAsLongToStringDoes() {
        long seed = Long.getLong("ink.seed", System.nanoTime());
        Random random = new Random(seed);
        long[] edges = {0, 9, 10, 99, 100, 999, 1_000, 9_999, 10_000, 99_999, 100_000, Integer.MAX_VALUE,
                Integer.MAX_VALUE + 1L, 9_999_999_999L, 10_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long edge : edges) {
            for (long value : new long[] {edge, -edge, edge - 1, edge + 1}) {
                assertThat(whole(value)).isEqualTo(Long.toString(value));
            }
        }
        for (int i = 0; i < 200_000; i++) {
            long value = i % 2 == 0 ? random.nextInt(20_000) - 10_000 : random.nextLong() >> random.nextInt(64);
            assertThat(whole(value)).as("seed " + seed).isEqualTo(Long.toString(value));
        }
    }

    private static String whole(long value) {
        JsonTextSink sink = new JsonTextSink(4);
        sink.longValue(value);
        return new String(sink.result(), StandardCharsets.US_ASCII);
    }

    @Test
    void writesWhatTheCanonicalFormIsForEveryScaleAndMagnitude() {
        long seed = Long.getLong("ink.seed", System.nanoTime());
        Random random = new Random(seed);
        long[] edges = {0, 1, -1, 5, 10, 100, 120, -1050, 999_999, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long value : edges) {
            for (int scale = 1; scale <= 30; scale++) {
                assertThat(fast(value, scale)).as(value + " scale " + scale).isEqualTo(canonical(value, scale));
            }
        }
        for (int i = 0; i < 200_000; i++) {
            long value = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(2000) - 1000;
                case 1 -> random.nextLong() >> random.nextInt(64);
                default -> random.nextLong();
            };
            int scale = 1 + random.nextInt(i % 2 == 0 ? 4 : 30);
            assertThat(fast(value, scale)).as("seed " + seed + ": " + value + " scale " + scale)
                    .isEqualTo(canonical(value, scale));
        }
    }
}

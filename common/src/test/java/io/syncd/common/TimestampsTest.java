package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written RFC 3339 reader and writer give exactly what java.time gives, and refuse what it refuses. */
class TimestampsTest {

    @Test
    void formatsEveryInstantAsInstantToStringDoes() {
        Random random = new Random(7);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long second = min + Math.floorMod(random.nextLong(), max - min + 1);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);
            assertThat(Timestamps.format(instant)).isEqualTo(instant.toString());
        }
        Instant far = Instant.parse("+10000-01-01T00:00:00Z");
        assertThat(Timestamps.format(far)).isEqualTo(far.toString());
    }

    @Test
    void parsesWhatOffsetDateTimeParsesToTheSameInstant() {
        Random random = new Random(11);
        DateTimeFormatter withOffset = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX");
        String[] offsets = {"Z", "+05:30", "-08:00", "+14:00", "-12:45", "+18:00", "-18:00"};
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(86_400 + Math.floorMod(random.nextLong(), 253_402_300_799L - 2 * 86_400),
                    random.nextInt(1_000_000) * 1_000);
            ZoneOffset offset = offsets[i % offsets.length].equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(offsets[i % offsets.length]);
            String text = withOffset.format(instant.atOffset(offset));
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
            assertThat(Timestamps.parse(instant.toString())).isEqualTo(instant);
        }
        assertThat(Timestamps.parse("2026-11-24T10:00:00.5+01:00")).isEqualTo(Instant.parse("2026-11-24T09:00:00.500Z"));
        assertThat(Timestamps.parse("2024-02-29T23:59:59.123456789Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59.123456789Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2026-11-24", "2026-11-24T10:00Z", "2026-11-24 10:00:00Z", "2026-11-24t10:00:00Z",
            "2026-11-24T10:00:00z", "2026-11-24T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:00:60Z",
            "2026-11-24T10:00:00.Z", "2026-11-24T10:00:00.1234567Z", "2026-11-24T10:00:00+1:00",
            "2026-11-24T10:00:00+19:00", "2026-11-24T10:00:00+05:60", "2026-11-24T10:00:00+05:30x",
            "2026-1x-24T10:00:00Z", "+2026-11-24T10:00:00Z", "2026-11-24T10:00:00ZZ", "２０２６-11-24T10:00:00Z"})
    void refusesWhatIsNotAnRfc3339TimestampWithSeconds(String text) {
        assertThatThrownBy(() -> Timestamps.parse(text, 6)).isInstanceOf(DateTimeException.class);
    }

    @Test
    void limitsTheFractionDigitsWhenAsked() {
        assertThat(Timestamps.parse("2026-11-24T10:00:00.123456Z", 6)).isEqualTo(Instant.parse("2026-11-24T10:00:00.123456Z"));
        assertThatThrownBy(() -> Timestamps.parse("2026-11-24T10:00:00.1234567Z", 6)).isInstanceOf(DateTimeException.class);
    }
}

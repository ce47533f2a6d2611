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
    @ValueSource(strings = {"", "2026-11-24", "2026-11-24T10:00Z", "2026-11-24 10:00:00Z", "2026-11-24x10:00:00Z",
            "2026-11-24T10:00:00y", "2026-11-24T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:00:60Z",
            "2026-11-24T10:00:00.Z", "2026-11-24T10:00:00.1234567Z", "2026-11-24T10:00:00+1:00",
            "2026-11-24T10:00:00+24:00", "2026-11-24T10:00:00+05:60", "2026-11-24T10:00:00+05:30x",
            "2026-1x-24T10:00:00Z", "+2026-11-24T10:00:00Z", "2026-11-24T10:00:00ZZ", "２０２６-11-24T10:00:00Z"})
    void refusesWhatIsNotAnRfc3339TimestampWithSeconds(String text) {
        assertThatThrownBy(() -> Timestamps.parse(text, 6)).isInstanceOf(DateTimeException.class);
    }

    @Test
    void acceptsWhatRfc3339AllowsBeyondJavaTimeNormalizedToUtc() {
        assertThat(Timestamps.parse("2026-11-24t10:00:00z")).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(Timestamps.parse("2026-11-24T10:00:00.25z")).isEqualTo(Instant.parse("2026-11-24T10:00:00.250Z"));
        assertThat(Timestamps.parse("2026-11-24T10:00:00+23:59")).isEqualTo(Instant.parse("2026-11-23T10:01:00Z"));
        assertThat(Timestamps.parse("2026-11-24T10:00:00-19:30")).isEqualTo(Instant.parse("2026-11-25T05:30:00Z"));
        assertThat(Timestamps.parse("2026-11-24T10:00:00-00:00")).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-01-01T00:00:00+01:00", "0000-12-31T23:59:59Z", "0001-01-01T00:30:00+01:00",
            "9999-12-31T23:59:59-01:00", "9999-12-31T23:30:00-00:31"})
    void refusesInstantsOutsideTheYears0001To9999InUtc(String text) {
        // Out of that range, an instant is written with a sign (-0001-12-31T23:00:00Z) that no RFC 3339 reader takes.
        assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(DateTimeException.class)
                .hasMessageContaining("0001 to 9999");
    }

    @Test
    void acceptsTheFirstAndLastInstantsOfTheRange() {
        assertThat(Timestamps.parse("0001-01-01T00:00:00Z")).isEqualTo(Timestamps.EARLIEST);
        assertThat(Timestamps.parse("0001-01-01T01:00:00+01:00")).isEqualTo(Timestamps.EARLIEST);
        assertThat(Timestamps.parse("9999-12-31T23:59:59.999999999Z")).isEqualTo(Timestamps.LATEST);
        assertThat(Timestamps.format(Timestamps.EARLIEST)).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(Timestamps.format(Timestamps.LATEST)).isEqualTo("9999-12-31T23:59:59.999999999Z");
    }

    @Test
    void limitsTheFractionDigitsWhenAsked() {
        assertThat(Timestamps.parse("2026-11-24T10:00:00.123456Z", 6)).isEqualTo(Instant.parse("2026-11-24T10:00:00.123456Z"));
        assertThatThrownBy(() -> Timestamps.parse("2026-11-24T10:00:00.1234567Z", 6)).isInstanceOf(DateTimeException.class);
    }
}

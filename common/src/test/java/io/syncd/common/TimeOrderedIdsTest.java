package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void isAVersion7UuidThatCarriesItsMillisecond() {
        long millis = Instant.parse("2026-12-05T10:00:00.123Z").toEpochMilli();
        UUID id = TimeOrderedIds.next(millis);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).as("RFC 9562's variant, binary 10").isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnes() {
        Random random = new Random(7);
        List<String> ids = new ArrayList<>();
        long start = Instant.parse("2026-12-05T10:00:00Z").toEpochMilli();
        for (long ms = start; ms < start + 2_000; ms += 7) {
            ids.add(TimeOrderedIds.next(ms, random).toString());
        }
        // PostgreSQL orders uuids byte by byte, which is the order of their lower-case hex strings.
        assertThat(ids).isSorted();
        assertThat(TimeOrderedIds.next(start + 1, new Random(1)).toString())
                .isGreaterThan(TimeOrderedIds.next(start, new Random(2)).toString());
    }

    @Test
    void idsOfOneMillisecondDiffer() {
        long millis = System.currentTimeMillis();
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TimeOrderedIds.next(millis));
        }
        assertThat(ids).hasSize(100_000);
    }

    @Test
    void nowIsTheCurrentTime() {
        long before = System.currentTimeMillis();
        long carried = TimeOrderedIds.next().getMostSignificantBits() >>> 16;
        assertThat(carried).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void refusesTimesItCannotHold() {
        assertThatThrownBy(() -> TimeOrderedIds.next(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not -1");
        assertThatThrownBy(() -> TimeOrderedIds.next(1L << 48))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ms since 1970");
        assertThat(TimeOrderedIds.next((1L << 48) - 1).getMostSignificantBits() >>> 16).isEqualTo((1L << 48) - 1);
    }
}

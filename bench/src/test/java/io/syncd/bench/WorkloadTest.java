package io.syncd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator's ids are valid UUIDs of the kind chosen, distinct, as a device's would be. */
class WorkloadTest {

    @AfterEach
    void backToTheDefault() {
        Workload.useIds(Workload.Ids.TIME_ORDERED);
    }

    @Test
    void idsAreDistinctTimeOrderedUuidsAsTheSdkMakesThem() {
        long before = System.currentTimeMillis();
        Set<UUID> seen = distinctIds(7);
        assertThat(seen).allSatisfy(id -> assertThat(id.getMostSignificantBits() >>> 16)
                .isBetween(before, System.currentTimeMillis()));
    }

    @Test
    void idsAreDistinctRandomUuidsWhenAsked() {
        Workload.useIds(Workload.Ids.RANDOM);
        distinctIds(4);
    }

    private static Set<UUID> distinctIds(int version) {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            UUID id = Workload.id();
            assertThat(id.version()).isEqualTo(version);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(UUID.fromString(id.toString())).isEqualTo(id);
            seen.add(id);
        }
        assertThat(seen).hasSize(100_000);
        return seen;
    }
}

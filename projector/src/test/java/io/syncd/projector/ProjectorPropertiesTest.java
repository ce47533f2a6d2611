package io.syncd.projector;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ProjectorPropertiesTest {

    @Test
    void aStatsIntervalOrApplierWaitThatIsNotPositiveFailsAtStartupNamingTheProperty() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
            assertThatThrownBy(() -> new ProjectorProperties(bad, Duration.ofSeconds(60)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync.projector.stats-interval");
            assertThatThrownBy(() -> new ProjectorProperties(Duration.ofSeconds(1), bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync.projector.applier-wait");
        }
    }
}

package io.syncd.applier;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ApplierPropertiesTest {

    @Test
    void aMaxRetryBackoffThatIsNotPositiveIsRefusedNamingTheSetting() {
        // Zero would make the retry wait on the stop signal with no timeout: a refused batch never retried.
        for (Duration max : new Duration[] {Duration.ZERO, Duration.ofMillis(-1)}) {
            assertThatThrownBy(() -> new ApplierProperties(500, Duration.ofMillis(100), Duration.ofMillis(20), max, 1, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync.applier.max-retry-backoff");
        }
    }
}

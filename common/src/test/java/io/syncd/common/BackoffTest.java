package io.syncd.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void waitsTheInitialDelayAfterTheFirstFailureAndDoublesAfterEachFurtherOne() {
        assertThat(IntStream.rangeClosed(1, 6).mapToObj(backoff::delayAfter).map(Duration::toMillis))
                .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L);
    }

    @Test
    void neverWaitsLongerThanTheMaximumHoweverManyFailures() {
        assertThat(backoff.delayAfter(7)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delayAfter(40)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
        assertThat(new Backoff(Duration.ofDays(365), Duration.ofDays(10_000)).delayAfter(40))
                .isEqualTo(Duration.ofDays(10_000));
    }

    @Test
    void aMaximumShorterThanTheInitialDelayIsTheWaitFromTheFirstFailure() {
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofMillis(50)).delayAfter(1))
                .isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aWaitThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial");
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(100), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longest");
    }

    @Test
    void aDelayBeforeAnyFailureIsRefused() {
        assertThatThrownBy(() -> backoff.delayAfter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

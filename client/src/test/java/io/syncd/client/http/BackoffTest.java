package io.syncd.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import io.syncd.client.RetryPolicy;

/** Delays between attempts: exponential, capped, jittered; the server's Retry-After honoured up to a limit. */
class BackoffTest {
    private final RetryPolicy policy =
            new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(10));
    private final Backoff backoff = new Backoff(policy, new Random());

    @RepeatedTest(20)
    void delaysDoubleWithinHalfJitterAndStayUnderTheCap() {
        assertThat(backoff.before(1, null).orElseThrow().toMillis()).isBetween(100L, 200L);
        assertThat(backoff.before(2, null).orElseThrow().toMillis()).isBetween(200L, 400L);
        assertThat(backoff.before(3, null).orElseThrow().toMillis()).isBetween(400L, 800L);
        assertThat(backoff.before(4, null).orElseThrow().toMillis()).isBetween(500L, 1000L);
        assertThat(backoff.before(5, null).orElseThrow().toMillis()).isBetween(500L, 1000L);
    }

    @Test
    void noRetryOnceTheAttemptsAreUsedUp() {
        assertThat(backoff.before(6, null)).isEmpty();
        assertThat(new Backoff(RetryPolicy.NONE, new Random()).before(1, null)).isEmpty();
    }

    @RepeatedTest(10)
    void retryAfterIsWaitedAtLeastAndAtMostByTheInitialDelayMore() {
        assertThat(backoff.before(1, Duration.ofSeconds(3)).orElseThrow().toMillis()).isBetween(3000L, 3200L);
    }

    @Test
    void aRetryAfterLongerThanThePolicyWaitsEndsTheAttempts() {
        assertThat(backoff.before(1, Duration.ofSeconds(11))).isEmpty();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("7", clock)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Tue, 24 Nov 2026 10:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Tue, 24 Nov 2026 09:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isNull();
        assertThat(RetryAfter.parse(null, clock)).isNull();
    }
}

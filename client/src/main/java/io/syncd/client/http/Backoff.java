package io.syncd.client.http;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

import io.syncd.client.RetryPolicy;

/**
 * The wait before a retry: exponential with "equal jitter" (half fixed, half random, so devices that failed together
 * do not retry together), or the server's {@code Retry-After} plus a little jitter.
 */
public final class Backoff {
    private final RetryPolicy policy;
    private final RandomGenerator random;

    /** For waits between reconnects of a long-lived connection (see {@link #reconnect(int)}). */
    public Backoff(RetryPolicy policy) {
        this(policy, new java.security.SecureRandom());
    }

    Backoff(RetryPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
    }

    /**
     * The wait before retry number {@code retry} (1 = the first retry), or empty when no retry should be made:
     * attempts used up, or the server asked for a longer pause than the policy waits.
     */
    Optional<Duration> before(int retry, Duration retryAfter) {
        if (retry >= policy.maxAttempts()) {
            return Optional.empty();
        }
        long initial = policy.initialDelay().toMillis();
        if (retryAfter != null) {
            if (retryAfter.compareTo(policy.maxRetryAfter()) > 0) {
                return Optional.empty();
            }
            return Optional.of(retryAfter.plusMillis(initial <= 0 ? 0 : random.nextLong(initial + 1)));
        }
        return Optional.of(jittered(retry));
    }

    /**
     * The wait before reconnect number {@code failures} (1 = after the first failure) of a connection that is kept
     * up for good: the policy's exponential wait with jitter, never used up (at least 100 ms, so a policy without
     * delays does not spin).
     */
    public Duration reconnect(int failures) {
        Duration wait = jittered(Math.max(failures, 1));
        return wait.toMillis() < 100 ? Duration.ofMillis(100) : wait;
    }

    private Duration jittered(int retry) {
        long initial = policy.initialDelay().toMillis();
        long exponential = initial << Math.min(retry - 1, 30);
        long capped = Math.min(Math.max(exponential, 0), policy.maxDelay().toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + (capped - half <= 0 ? 0 : random.nextLong(capped - half + 1)));
    }
}

package io.syncd.client.http;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

import io.syncd.client.RetryPolicy;

/**
 * The wait before a retry: exponential with "equal jitter" (half fixed, half random, so devices that failed together
 * do not retry together), or the server's {@code Retry-After} plus a little jitter.
 */
final class Backoff {
    private final RetryPolicy policy;
    private final RandomGenerator random;

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
        long exponential = initial << Math.min(retry - 1, 30);
        long capped = Math.min(Math.max(exponential, 0), policy.maxDelay().toMillis());
        long half = capped / 2;
        return Optional.of(Duration.ofMillis(half + (capped - half <= 0 ? 0 : random.nextLong(capped - half + 1))));
    }
}

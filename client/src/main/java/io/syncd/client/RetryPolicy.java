package io.syncd.client;

import java.time.Duration;

/**
 * How requests are retried on network errors, 503 and 429: exponential backoff with jitter, a bounded number of
 * attempts, and the server's {@code Retry-After} honoured up to a limit (a longer one ends the attempts: the next
 * sync will try again).
 *
 * @param maxAttempts   attempts in all, the first included (1: no retries)
 * @param initialDelay  the wait before the first retry, doubled for each further retry
 * @param maxDelay      the longest wait between attempts, before jitter
 * @param maxRetryAfter the longest {@code Retry-After} waited for
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(4), Duration.ofSeconds(30));
    /** One attempt, no retries. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative");
        }
    }
}

package io.syncd.common;

import java.time.Duration;

/**
 * The wait before retrying work that failed: {@code initial} after the first failure, doubling after each further
 * one, never longer than {@code max} (even the first) — 100 ms, 200 ms, 400 ms, … for the applier's refused batches
 * ({@code sync.applier.max-retry-backoff}) and the projector's statistics folds.
 *
 * @param initial the wait after the first failure
 * @param max the longest wait, however many failures
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("a backoff's initial wait must be positive, was " + initial);
        }
        if (max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("a backoff's longest wait must be positive, was " + max);
        }
    }

    /** The wait after this many consecutive failures (at least one). */
    public Duration delayAfter(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("a backoff follows at least one failure, was " + failures);
        }
        // Capping the shift keeps the doubling from overflowing long before a retry loop could count that high.
        long millis = initial.toMillis() << Math.min(failures - 1, 30);
        return millis > max.toMillis() || millis <= 0 ? max : Duration.ofMillis(millis);
    }
}

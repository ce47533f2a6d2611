package io.syncd.gateway.ratelimit;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.http.HttpServletResponse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.errors.Problems;

/**
 * A token bucket per key (a device, an address), kept in this process's memory: a request over its key's bucket is
 * answered {@code 429 rate_limited} with {@code Retry-After} in whole seconds, before anything of it is read or done.
 */
final class TokenBuckets<K> {
    /** Buckets kept at most; beyond it the least recently used go (a key coming back starts with a full burst). */
    private static final int MAX_KEYS = 100_000;

    private final Bandwidth bandwidth;
    private final Cache<K, Bucket> buckets;

    TokenBuckets(int requestsPerSecond, int burst) {
        this.bandwidth = Bandwidth.builder().capacity(burst)
                .refillGreedy(requestsPerSecond, Duration.ofSeconds(1)).build();
        // A bucket idle long enough to have refilled is a fresh bucket: dropping it changes nothing.
        Duration refilled = Duration.ofMillis(1000L * burst / requestsPerSecond + 1000);
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(refilled).build();
    }

    /** Takes one request from the key's bucket; false, with the 429 written, when it is empty. */
    boolean take(K key, HttpServletResponse response, String who) throws IOException {
        ConsumptionProbe probe = buckets.get(key, k -> Bucket.builder().addLimit(bandwidth).build())
                .tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return true;
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        // Written here rather than thrown: exception handling resets the response, and with it this header.
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        Problems.write(response, new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                "too many requests from " + who + "; retry after " + seconds + " s"));
        return false;
    }
}

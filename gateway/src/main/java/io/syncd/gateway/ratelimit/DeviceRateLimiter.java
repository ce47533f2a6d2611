package io.syncd.gateway.ratelimit;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.syncd.gateway.GatewayProperties;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.gateway.errors.ApiException;
import io.syncd.gateway.errors.Problems;

/**
 * Limits each authenticated device to a token bucket ({@code sync.gateway.rate-limit.*}); a request over it is
 * {@code 429 rate_limited} with {@code Retry-After} in whole seconds. Runs after authentication, so the key is the
 * device, never a claim of the caller. Buckets live in this process only: behind N gateways a device gets up to N
 * times the rate, which bounds abuse without a shared store.
 */
public final class DeviceRateLimiter implements HandlerInterceptor {
    /** Buckets kept at most; beyond it the least recently used go (a device coming back starts with a full burst). */
    private static final int MAX_DEVICES = 100_000;

    private final Bandwidth bandwidth;
    private final Cache<UUID, Bucket> buckets;

    public DeviceRateLimiter(GatewayProperties.RateLimit limit) {
        this.bandwidth = Bandwidth.builder().capacity(limit.burst())
                .refillGreedy(limit.requestsPerSecond(), Duration.ofSeconds(1)).build();
        // A bucket idle long enough to have refilled is a fresh bucket: dropping it changes nothing.
        Duration refilled = Duration.ofMillis(1000L * limit.burst() / limit.requestsPerSecond() + 1000);
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_DEVICES).expireAfterAccess(refilled).build();
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!(request.getAttribute(AuthenticatedDevice.ATTRIBUTE) instanceof AuthenticatedDevice device)) {
            return true; // not a device call (the authentication interceptor runs first on every device path)
        }
        ConsumptionProbe probe = buckets.get(device.deviceId(), id -> Bucket.builder().addLimit(bandwidth).build())
                .tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return true;
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        // Written here rather than thrown: exception handling resets the response, and with it this header.
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        Problems.write(response, new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                "too many requests from this device; retry after " + seconds + " s"));
        return false;
    }
}

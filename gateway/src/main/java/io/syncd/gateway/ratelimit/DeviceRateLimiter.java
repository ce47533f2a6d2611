package io.syncd.gateway.ratelimit;

import java.io.IOException;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.HandlerInterceptor;

import io.syncd.gateway.GatewayProperties;
import io.syncd.gateway.auth.AuthenticatedDevice;

/**
 * Limits each authenticated device to a token bucket ({@code sync.gateway.rate-limit.*}). Runs after authentication,
 * so the key is the device, never a claim of the caller. Buckets live in this process only: behind N gateways a
 * device gets up to N times the rate, which bounds abuse without a shared store.
 */
public final class DeviceRateLimiter implements HandlerInterceptor {
    private final TokenBuckets<UUID> buckets;

    public DeviceRateLimiter(GatewayProperties.RateLimit limit) {
        this.buckets = new TokenBuckets<>(limit.requestsPerSecond(), limit.burst());
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!(request.getAttribute(AuthenticatedDevice.ATTRIBUTE) instanceof AuthenticatedDevice device)) {
            return true; // not a device call (the authentication interceptor runs first on every device path)
        }
        return buckets.take(device.deviceId(), response, "this device");
    }
}

package io.syncd.gateway.ratelimit;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.HandlerInterceptor;

import io.syncd.gateway.GatewayProperties;

/**
 * Limits the calls that need no device token (creating an account, registering a device) per client address
 * ({@code sync.gateway.address-rate-limit.*}, on by default): anyone may make them, so without a limit anyone could
 * fill the accounts table or keep the server hashing keys. The address is the connection's peer, or what a trusted
 * proxy says it is once {@code server.forward-headers-strategy} is set.
 */
public final class AddressRateLimiter implements HandlerInterceptor {
    private final TokenBuckets<String> buckets;

    public AddressRateLimiter(GatewayProperties.AddressRateLimit limit) {
        this.buckets = new TokenBuckets<>(limit.requestsPerSecond(), limit.burst());
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        return buckets.take(request.getRemoteAddr(), response, "this address");
    }
}

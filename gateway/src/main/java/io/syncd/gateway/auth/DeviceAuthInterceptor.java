package io.syncd.gateway.auth;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

import io.syncd.gateway.devices.DevicesTable;
import io.syncd.gateway.errors.ApiException;

/**
 * Authenticates device calls by their bearer token on every request (no cache), so a revoked device is refused
 * from its next request on. Any failure is the same 401: which part was wrong is never hinted.
 */
public final class DeviceAuthInterceptor implements HandlerInterceptor {
    private final DevicesTable devices;

    public DeviceAuthInterceptor(DevicesTable devices) {
        this.devices = devices;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Optional<Credentials.Presented> token = Credentials.bearer(request.getHeader(HttpHeaders.AUTHORIZATION))
                .flatMap(Credentials::parse);
        if (token.isEmpty()) {
            throw ApiException.unauthorized();
        }
        AuthenticatedDevice device = devices.findActiveCredential(token.get().id())
                .filter(d -> Credentials.matches(d.tokenHash(), token.get().value()))
                .map(d -> new AuthenticatedDevice(d.deviceId(), d.accountId()))
                .orElseThrow(ApiException::unauthorized);
        request.setAttribute(AuthenticatedDevice.ATTRIBUTE, device);
        return true;
    }
}

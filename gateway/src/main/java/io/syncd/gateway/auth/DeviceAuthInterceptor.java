package io.syncd.gateway.auth;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

import io.syncd.common.Credentials;
import io.syncd.edge.errors.ApiException;
import io.syncd.store.devices.DevicesTable;

/**
 * Authenticates device calls by their bearer token on every request (no cache), so a revoked device is refused
 * from its next request on. Any failure is the same 401: which part was wrong is never hinted. While PostgreSQL is
 * unreachable, a token this gateway verified recently, and was not refused since, still passes ({@link VerifiedTokens}).
 */
public final class DeviceAuthInterceptor implements HandlerInterceptor {
    private final DevicesTable devices;
    private final VerifiedTokens verified;

    public DeviceAuthInterceptor(DevicesTable devices, VerifiedTokens verified) {
        this.devices = devices;
        this.verified = verified;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Optional<Credentials.Presented> token = Credentials.bearer(request.getHeader(HttpHeaders.AUTHORIZATION))
                .flatMap(Credentials::parse);
        if (token.isEmpty()) {
            throw ApiException.unauthorized();
        }
        String presented = token.get().value();
        AuthenticatedDevice device;
        try {
            Optional<AuthenticatedDevice> active = devices.findActiveCredential(token.get().id())
                    .filter(d -> Credentials.matches(d.tokenHash(), presented))
                    .map(d -> new AuthenticatedDevice(d.deviceId(), d.accountId()));
            if (active.isEmpty()) {
                // Revoked, perhaps through another gateway: should PostgreSQL go down next, this token must not pass.
                verified.forget(presented);
                throw ApiException.unauthorized();
            }
            device = active.get();
            verified.remember(presented, device);
        } catch (DataAccessException databaseDown) {
            device = verified.recent(presented).orElseThrow(() -> databaseDown);
        }
        request.setAttribute(AuthenticatedDevice.ATTRIBUTE, device);
        return true;
    }
}

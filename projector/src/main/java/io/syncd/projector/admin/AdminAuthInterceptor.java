package io.syncd.projector.admin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

import io.syncd.common.BearerTokens;
import io.syncd.edge.errors.ApiException;

/** Admits {@code /api/admin/**} only with the admin token (compared in constant time); anything else is 401. */
public final class AdminAuthInterceptor implements HandlerInterceptor {
    private final String adminToken;

    public AdminAuthInterceptor(String adminToken) {
        this.adminToken = adminToken;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!BearerTokens.carries(request.getHeader(HttpHeaders.AUTHORIZATION), adminToken)) {
            throw ApiException.unauthorized();
        }
        return true;
    }
}

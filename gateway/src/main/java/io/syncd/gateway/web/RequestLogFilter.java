package io.syncd.gateway.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

import io.syncd.gateway.auth.AuthenticatedDevice;

/** One log line per request: method, path, status, duration and device id; never tokens, bodies or record data. */
public final class RequestLogFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger("io.syncd.gateway.requests");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            Object device = request.getAttribute(AuthenticatedDevice.ATTRIBUTE);
            log.info("{} {} {} {}ms device={}", request.getMethod(), request.getRequestURI(), response.getStatus(),
                    (System.nanoTime() - start) / 1_000_000,
                    device instanceof AuthenticatedDevice d ? d.deviceId() : "-");
        }
    }
}

package io.syncd.standalone.metrics;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import io.syncd.common.BearerTokens;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.errors.Problems;

/**
 * {@code GET /metrics} takes the admin token ({@code Authorization: Bearer}): its series name the process's topics,
 * partitions, routes and load, which is more than an anonymous caller should learn. {@code sync.metrics.open=true}
 * serves it to anyone, for a scraper on a private network or an internal {@code management.server.port}.
 */
final class MetricsAccessFilter extends OncePerRequestFilter {
    private final String adminToken;

    MetricsAccessFilter(String adminToken) {
        this.adminToken = adminToken;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (BearerTokens.carries(request.getHeader(HttpHeaders.AUTHORIZATION), adminToken)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        Problems.write(response, ApiException.unauthorized());
    }
}

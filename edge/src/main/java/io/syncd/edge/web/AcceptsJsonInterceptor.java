package io.syncd.edge.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.HandlerInterceptor;

/**
 * 406 {@code not_acceptable} for a request that does not accept JSON, before its handler runs: the answer of a push,
 * a resolution or an account's creation carries what the client cannot get again (decisions, the enrollment key),
 * so work must not start when its answer would be refused.
 */
public final class AcceptsJsonInterceptor implements HandlerInterceptor {
    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        StreamedObject.requireJsonAccepted(request);
        return true;
    }
}

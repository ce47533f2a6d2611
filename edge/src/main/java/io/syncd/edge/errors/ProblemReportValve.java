package io.syncd.edge.errors;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

import io.syncd.common.Json;

/**
 * Tomcat's error report for what it refuses before any filter or servlet runs (a path with {@code %00}, {@code %2F}
 * or {@code %5C}, a malformed request line): problem+json like every other answer, instead of Tomcat's HTML page,
 * which a device's JSON parser cannot read. Errors that reach Spring MVC never get here; they are answered already.
 */
public final class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        HttpStatus shown = known == null ? HttpStatus.BAD_REQUEST : known;
        byte[] body = Json.MAPPER.writeValueAsBytes(Problems.body(shown, code(shown),
                status == 400 ? "the request line or path is malformed" : shown.getReasonPhrase(), java.util.List.of()));
        try {
            response.setContentType(Problems.PROBLEM_JSON.toString());
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client went away or the response was taken over; there is no one left to answer.
        }
    }

    private static String code(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "invalid_request";
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case CONTENT_TOO_LARGE -> "payload_too_large";
            case SERVICE_UNAVAILABLE -> "unavailable";
            default -> status.is5xxServerError() ? "internal_error" : "invalid_request";
        };
    }
}

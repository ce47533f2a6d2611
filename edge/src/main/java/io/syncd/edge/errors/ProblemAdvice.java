package io.syncd.edge.errors;

import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingPathVariableException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.DisconnectedClientHelper;

import tools.jackson.databind.node.ObjectNode;

/** Maps every failure inside Spring MVC to problem+json with a stable code. */
@RestControllerAdvice
class ProblemAdvice {
    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ObjectNode> api(ApiException e) {
        return Problems.entity(e);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ObjectNode> unreadable(HttpMessageNotReadableException e) {
        ApiException cause = findCause(e, ApiException.class);
        if (cause != null) {
            return Problems.entity(cause);
        }
        return Problems.entity(HttpStatus.BAD_REQUEST, "invalid_request", "request body is missing or unreadable");
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<ObjectNode> noRoute(Exception e) {
        return Problems.entity(HttpStatus.NOT_FOUND, "not_found", "no such endpoint");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ObjectNode> method(HttpRequestMethodNotSupportedException e) {
        ResponseEntity<ObjectNode> problem = Problems.entity(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                e.getMethod() + " is not supported here");
        return e.getSupportedHttpMethods() == null ? problem
                : ResponseEntity.status(problem.getStatusCode()).headers(h -> h.setAllow(e.getSupportedHttpMethods()))
                        .contentType(Problems.PROBLEM_JSON).body(problem.getBody());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ObjectNode> mediaType(HttpMediaTypeNotSupportedException e) {
        String supported = e.getSupportedMediaTypes().isEmpty() ? "application/json"
                : e.getSupportedMediaTypes().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(" or "));
        return Problems.entity(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send the body as " + supported);
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ObjectNode> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return Problems.entity(HttpStatus.NOT_ACCEPTABLE, "not_acceptable", "responses are application/json");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ObjectNode> pathVariable(MethodArgumentTypeMismatchException e) {
        return Problems.entity(ApiException.invalid(e.getName(), "must be a UUID"));
    }

    /** A path variable that converts to nothing ({@code /api/devices/%20}) is as invalid as any other non-UUID. */
    @ExceptionHandler(MissingPathVariableException.class)
    ResponseEntity<ObjectNode> emptyPathVariable(MissingPathVariableException e) {
        return Problems.entity(ApiException.invalid(e.getVariableName(), "must be a UUID"));
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ObjectNode> header(MissingRequestHeaderException e) {
        return Problems.entity(HttpStatus.BAD_REQUEST, "invalid_request", "missing header " + e.getHeaderName());
    }

    /** Kafka or another backing service cannot take the request now; the code below the edge said so in its terms. */
    @ExceptionHandler(io.syncd.common.ServiceUnavailableException.class)
    ResponseEntity<ObjectNode> unavailable(io.syncd.common.ServiceUnavailableException e) {
        return Problems.entity(ApiException.unavailable(e.getMessage()));
    }

    /** PostgreSQL unreachable or failing over: the client may retry; nothing was written. */
    @ExceptionHandler({org.springframework.dao.DataAccessResourceFailureException.class,
            org.springframework.dao.TransientDataAccessException.class,
            org.springframework.transaction.CannotCreateTransactionException.class})
    ResponseEntity<ObjectNode> database(Exception e) {
        log.warn("Database unavailable while answering a request: {}", e.getMessage());
        return Problems.entity(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the database is unavailable; retry later");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ObjectNode> unexpected(Exception e, HttpServletResponse response) {
        String type = response.getContentType();
        boolean stream = type != null && type.startsWith(MediaType.TEXT_EVENT_STREAM_VALUE);
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // A device that loses its network mid-answer (a long pull page) is no fault of the server's, and
            // there is no one left to answer: one line, no stack. Leaving is how every change stream ends: not worth
            // a line each.
            if (stream) {
                log.debug("A change stream's device went away: {}", e.getMessage());
            } else {
                log.info("The client went away before its answer was complete: {}", e.getMessage());
            }
            return null;
        }
        if (stream) {
            // Its events are under way: no problem+json can follow them, and the device reconnects with its last id.
            log.warn("A change stream ended on an error: {}", e.toString());
            return null;
        }
        log.error("Unexpected error answering a request", e);
        return Problems.entity(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error",
                "the server failed to answer; nothing was queued unless results say so");
    }

    static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

package io.syncd.edge.errors;

import java.util.List;

import org.springframework.http.HttpStatus;

/** An answer other than success: its status, its stable protocol {@code code}, and field errors if any. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String code;
    private final List<FieldError> errors;

    public ApiException(HttpStatus status, String code, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public ApiException(HttpStatus status, String code, String detail) {
        this(status, code, detail, List.of());
    }

    public static ApiException invalid(List<FieldError> errors) {
        FieldError first = errors.get(0);
        String detail = first.field().isEmpty() ? first.message() : first.field() + ": " + first.message();
        if (errors.size() > 1) {
            detail += " (and " + (errors.size() - 1) + " more)";
        }
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", detail, errors);
    }

    public static ApiException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ApiException unauthorized() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", "missing, unknown or revoked credentials");
    }

    /** 403: the caller is known, but this server does not let it do this. */
    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "forbidden", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, "not_found", detail);
    }

    /** The request is valid but the state of the server forbids it (409), e.g. an import into an account in use. */
    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "conflict", detail);
    }

    public static ApiException unavailable(String detail) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", detail);
    }

    /** 415: a request body in an encoding the server does not decode. */
    public static ApiException unsupportedEncoding(String contentEncoding) {
        return new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Content-Encoding "
                + contentEncoding + " is not supported; use zstd, gzip or none");
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large", detail);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }
}

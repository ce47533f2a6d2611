package io.syncd.client;

import java.util.List;

/**
 * The server answered with an error that retrying will not fix (a problem+json {@code code} such as
 * {@code invalid_request}, {@code unauthorized}, {@code forbidden}, {@code payload_too_large}).
 */
public class ServerRejectedException extends SyncException {
    private final int status;
    private final String code;
    private final List<FieldError> errors;

    /** One entry of the problem's {@code errors}: a field path such as {@code changes[2].data.name}. */
    public record FieldError(String field, String message) {
    }

    public ServerRejectedException(int status, String code, String message, List<FieldError> errors) {
        super(message);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The protocol's error code; null when the server sent no problem body. */
    public String code() {
        return code;
    }

    /** The field errors of an {@code invalid_request}; empty otherwise. */
    public List<FieldError> errors() {
        return errors;
    }
}

package io.syncd.edge.errors;

/** One invalid field of a request: its path (e.g. {@code changes[2].data.name}) and what is wrong. */
public record FieldError(String field, String message) {
}

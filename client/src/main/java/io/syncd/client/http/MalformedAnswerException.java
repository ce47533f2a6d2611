package io.syncd.client.http;

/** Thrown by {@link AnswerParser} when the input is not one well-formed JSON value. */
public final class MalformedAnswerException extends RuntimeException {
    MalformedAnswerException(String message, Throwable cause) {
        super(message, cause);
    }
}

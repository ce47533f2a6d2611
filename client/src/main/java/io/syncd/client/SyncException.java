package io.syncd.client;

/** A sync or store operation failed; subclasses say whether retrying later can help. */
public class SyncException extends RuntimeException {
    public SyncException(String message) {
        super(message);
    }

    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.syncd.client;

/**
 * The server could not be reached (network error, 503, 429) after the configured retries. Nothing is lost: every
 * change stays in the outbox with its change id and is sent again by the next sync.
 */
public class ServerUnreachableException extends SyncException {
    public ServerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}

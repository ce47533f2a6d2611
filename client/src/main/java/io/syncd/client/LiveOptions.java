package io.syncd.client;

import java.time.Duration;

/**
 * Settings of a {@link LiveSync}; {@link #defaults()} suits a server with the default 20 s heartbeat.
 *
 * @param pushDelay           how long a local edit waits before it is pushed, so that edits made together go together
 * @param longPollWait        the {@code wait_ms} of each pull while the stream cannot be used (at most 30 s)
 * @param streamRetryInterval how long to long-poll before trying the stream again, once it could not be opened
 * @param idleTimeout         a stream silent this long (no event, no heartbeat) is taken for dead and reopened: keep
 *                            it above the server's {@code sync.stream.heartbeat}
 */
public record LiveOptions(Duration pushDelay, Duration longPollWait, Duration streamRetryInterval,
                          Duration idleTimeout) {
    /** The protocol's longest {@code wait_ms}. */
    static final int MAX_WAIT_MS = 30_000;

    public LiveOptions {
        if (pushDelay == null || longPollWait == null || streamRetryInterval == null || idleTimeout == null) {
            throw new IllegalArgumentException("no option may be null");
        }
        if (pushDelay.isNegative() || longPollWait.toMillis() < 1 || longPollWait.toMillis() > MAX_WAIT_MS) {
            throw new IllegalArgumentException("pushDelay must not be negative, longPollWait must be 1 ms to 30 s");
        }
        if (streamRetryInterval.toMillis() < 100 || idleTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("streamRetryInterval and idleTimeout must be at least 100 ms");
        }
    }

    public static LiveOptions defaults() {
        return new LiveOptions(Duration.ofMillis(50), Duration.ofSeconds(25), Duration.ofSeconds(60),
                Duration.ofSeconds(65));
    }

    public LiveOptions withPushDelay(Duration delay) {
        return new LiveOptions(delay, longPollWait, streamRetryInterval, idleTimeout);
    }

    public LiveOptions withLongPollWait(Duration wait) {
        return new LiveOptions(pushDelay, wait, streamRetryInterval, idleTimeout);
    }

    public LiveOptions withStreamRetryInterval(Duration interval) {
        return new LiveOptions(pushDelay, longPollWait, interval, idleTimeout);
    }

    public LiveOptions withIdleTimeout(Duration timeout) {
        return new LiveOptions(pushDelay, longPollWait, streamRetryInterval, timeout);
    }
}

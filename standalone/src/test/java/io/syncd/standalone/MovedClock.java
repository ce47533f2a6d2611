package io.syncd.standalone;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system's clock, which a test can move forward instead of waiting (past the JWK Set's fetch interval, say). */
final class MovedClock extends Clock {
    private volatile Duration ahead = Duration.ZERO;

    void forward(Duration by) {
        ahead = ahead.plus(by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead);
    }
}

package io.syncd.gateway.stream;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The change stream and the long-poll ({@code sync.stream.*}, PROTOCOL.md "Real-time").
 *
 * @param heartbeat how often an open stream gets a {@code : ping} comment
 * @param maxConnections open streams per process; one more is 503
 * @param mergeWindow how long an account's decisions are gathered into one {@code changed} event
 * @param maxHeldPulls pulls with {@code wait_ms} held at once per process (each holds a request thread); past it a
 *        pull answers at once, as with {@code wait_ms} 0
 */
@ConfigurationProperties("sync.stream")
public record StreamProperties(
        @DefaultValue("20s") Duration heartbeat,
        @DefaultValue("10000") int maxConnections,
        @DefaultValue("5ms") Duration mergeWindow,
        @DefaultValue("100") int maxHeldPulls) {

    public StreamProperties {
        if (heartbeat.toMillis() < 100) {
            throw new IllegalArgumentException("sync.stream.heartbeat must be at least 100ms, was " + heartbeat);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("sync.stream.max-connections must not be negative, was " + maxConnections);
        }
        if (mergeWindow.isNegative() || mergeWindow.toMillis() > 1000) {
            throw new IllegalArgumentException("sync.stream.merge-window must be 0 to 1s, was " + mergeWindow);
        }
        if (maxHeldPulls < 0) {
            throw new IllegalArgumentException("sync.stream.max-held-pulls must not be negative, was " + maxHeldPulls);
        }
    }
}

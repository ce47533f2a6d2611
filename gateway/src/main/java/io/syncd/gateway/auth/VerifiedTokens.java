package io.syncd.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.syncd.common.Credentials;

/**
 * Tokens this gateway verified recently, used only while PostgreSQL is unreachable: devices keep pushing (Kafka
 * takes their changes) during a database outage. While the database answers it is always asked, so a revocation
 * takes effect on the next request; a device revoked through this gateway is forgotten at once, and so is a token the
 * database refused. A device revoked through another gateway, and not seen here since, passes here during an outage
 * until its last verification here is {@code maxAge} old: the window {@code sync.gateway.outage-token-age} bounds.
 */
public final class VerifiedTokens {
    private static final int MAX_ENTRIES = 100_000;

    private final Duration maxAge;
    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private record Entry(AuthenticatedDevice device, Instant verifiedAt) {
    }

    public VerifiedTokens(Duration maxAge, Clock clock) {
        this.maxAge = maxAge;
        this.clock = clock;
    }

    synchronized void remember(String token, AuthenticatedDevice device) {
        entries.put(key(token), new Entry(device, clock.instant()));
    }

    synchronized Optional<AuthenticatedDevice> recent(String token) {
        Entry entry = entries.get(key(token));
        if (entry == null || entry.verifiedAt().isBefore(clock.instant().minus(maxAge))) {
            return Optional.empty();
        }
        return Optional.of(entry.device());
    }

    /** A device revoked through this gateway. */
    public synchronized void forget(UUID deviceId) {
        entries.values().removeIf(e -> e.device().deviceId().equals(deviceId));
    }

    /** Devices revoked together through this gateway (sign out everywhere). */
    public synchronized void forget(java.util.Collection<UUID> deviceIds) {
        Set<UUID> ids = Set.copyOf(deviceIds);
        entries.values().removeIf(e -> ids.contains(e.device().deviceId()));
    }

    /** A token PostgreSQL no longer accepts (revoked through another gateway, say). */
    synchronized void forget(String token) {
        entries.remove(key(token));
    }

    private static String key(String token) {
        return HexFormat.of().formatHex(Credentials.hash(token));
    }
}

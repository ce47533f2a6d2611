package io.syncd.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.gateway.SettableClock;

/** What a gateway lets pass while PostgreSQL is unreachable: tokens it verified within the age, not forgotten since. */
class VerifiedTokensTest {
    private static final Duration AGE = Duration.ofMinutes(2);
    private static final Instant VERIFIED = Instant.parse("2026-11-24T10:00:00Z");

    private final AuthenticatedDevice device = new AuthenticatedDevice(UUID.randomUUID(), UUID.randomUUID());
    private final String token = device.deviceId() + ".secret";

    @Test
    void aTokenPassesUntilItsVerificationIsOlderThanTheAge() {
        SettableClock clock = new SettableClock(VERIFIED);
        VerifiedTokens verified = new VerifiedTokens(AGE, clock);
        verified.remember(token, device);

        clock.set(VERIFIED.plus(AGE));
        assertThat(verified.recent(token)).contains(device);
        clock.set(VERIFIED.plus(AGE).plusMillis(1));
        assertThat(verified.recent(token)).isEmpty();
    }

    @Test
    void aTokenTheDatabaseRefusedNoLongerPasses() {
        VerifiedTokens verified = new VerifiedTokens(AGE, Clock.fixed(VERIFIED, ZoneOffset.UTC));
        verified.remember(token, device);
        String otherToken = UUID.randomUUID() + ".other";
        verified.remember(otherToken, new AuthenticatedDevice(UUID.randomUUID(), device.accountId()));

        verified.forget(token);

        assertThat(verified.recent(token)).isEmpty();
        assertThat(verified.recent(otherToken)).as("other devices' tokens stay").isPresent();
    }

    @Test
    void aDeviceRevokedHereNoLongerPasses() {
        VerifiedTokens verified = new VerifiedTokens(AGE, Clock.fixed(VERIFIED, ZoneOffset.UTC));
        verified.remember(token, device);

        verified.forget(device.deviceId());

        assertThat(verified.recent(token)).isEmpty();
    }
}

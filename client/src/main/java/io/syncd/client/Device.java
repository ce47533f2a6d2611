package io.syncd.client;

import java.time.Instant;

/**
 * A device of the account, as the server lists it ({@code GET /api/devices}).
 *
 * @param lastSyncAt null if the device never pulled
 * @param active     false once the device was revoked: its token no longer works
 */
public record Device(String deviceId, String accountId, String deviceName, String platform, Instant registeredAt,
                     Instant lastSyncAt, boolean active) {
}

package io.syncd.client;

import java.time.Instant;

/**
 * The store's state at a glance.
 *
 * @param deviceId        null until the store is registered
 * @param dirty           records whose local data is not (yet) the server's
 * @param outbox          changes waiting to be sent or decided
 * @param lastSyncAt      when a pull last reached the end of the server's changes; null if never
 */
public record SyncStatus(String deviceId, String accountId, String server, int dirty, int outbox, int conflicts,
                         int rejections, Instant lastSyncAt) {
}

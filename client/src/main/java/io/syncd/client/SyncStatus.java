package io.syncd.client;

import java.time.Instant;
import java.util.List;

/**
 * The store's state at a glance.
 *
 * @param deviceId        null until the store is registered
 * @param dirty           records whose local data is not (yet) the server's
 * @param outbox          changes waiting to be sent or decided
 * @param lastSyncAt      when a pull last reached the end of the server's changes; null if never
 * @param booksPendingRemoval unsubscribed books whose records are kept until their edits are decided, and why
 */
public record SyncStatus(String deviceId, String accountId, String server, int dirty, int outbox, int conflicts,
                         int rejections, Instant lastSyncAt, List<PendingBookRemoval> booksPendingRemoval) {
}

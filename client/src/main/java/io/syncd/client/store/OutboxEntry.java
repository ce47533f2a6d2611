package io.syncd.client.store;

import java.time.Instant;

import io.syncd.client.Resolution;
import io.syncd.common.SyncTable;

/**
 * One change waiting to be sent or decided.
 *
 * @param op          {@code upsert}, {@code delete} or {@code use_server}
 * @param resolution  null for a plain push; else the resolution this change sends to {@code resolve-conflict}
 * @param baseVersion null while the change before it (same record) is undecided
 * @param data        normalized JSON of an upsert; null otherwise
 * @param sentAt      null until the change is first sent; from then on it never changes
 */
public record OutboxEntry(long seq, String changeId, SyncTable table, String recordId, String op,
                          Resolution resolution, Long baseVersion, String data, Instant sentAt, int attempts) {
    public boolean sent() {
        return sentAt != null;
    }
}

package io.syncd.common;

import java.time.Instant;
import java.util.UUID;

/**
 * One validated change, as the gateway puts it on the table's topic (key = account id).
 *
 * @param data the record's {@code data} as normalized JSON text; null for deletes and use_server
 * @param receivedAt when the gateway accepted the push; becomes the record's {@code updated_at}
 */
public record ChangeEvent(UUID changeId, UUID accountId, UUID deviceId, SyncTable table, ChangeOp op,
                          UUID recordId, long baseVersion, String data, Instant receivedAt) {
}

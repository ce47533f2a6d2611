package io.syncd.common;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One validated change, as the gateway puts it on the table's topic (key = account id).
 *
 * @param data the record's {@code data} as normalized JSON text; null for deletes and use_server
 * @param receivedAt when the gateway accepted the push; becomes the record's {@code updated_at}
 * @param after per ancestor table, the offset (in this account's partition of that table's topic) of a delete
 *              pushed in the same request, which the applier decides before this change; empty almost always
 * @param rejection the code of a rejection the gateway decided from its request alone (an upsert naming another
 *                  parent than an earlier change of the same record in that request: {@code immutable_field}); the
 *                  applier logs it as the change's decision without reading anything. Null almost always
 */
public record ChangeEvent(UUID changeId, UUID accountId, UUID deviceId, SyncTable table, ChangeOp op,
                          UUID recordId, long baseVersion, String data, Instant receivedAt, Map<SyncTable, Long> after,
                          String rejection) {

    public ChangeEvent {
        after = Map.copyOf(after);
    }

    public ChangeEvent(UUID changeId, UUID accountId, UUID deviceId, SyncTable table, ChangeOp op, UUID recordId,
                       long baseVersion, String data, Instant receivedAt, Map<SyncTable, Long> after) {
        this(changeId, accountId, deviceId, table, op, recordId, baseVersion, data, receivedAt, after, null);
    }

    public ChangeEvent(UUID changeId, UUID accountId, UUID deviceId, SyncTable table, ChangeOp op, UUID recordId,
                       long baseVersion, String data, Instant receivedAt) {
        this(changeId, accountId, deviceId, table, op, recordId, baseVersion, data, receivedAt, Map.of());
    }

    /** This change, to be decided after the given ancestors' offsets. */
    public ChangeEvent withAfter(Map<SyncTable, Long> offsets) {
        return new ChangeEvent(changeId, accountId, deviceId, table, op, recordId, baseVersion, data, receivedAt, offsets,
                rejection);
    }

    /** This change with other normalized data. */
    public ChangeEvent withData(String normalized) {
        return new ChangeEvent(changeId, accountId, deviceId, table, op, recordId, baseVersion, normalized, receivedAt,
                after, rejection);
    }

    /** This change, decided {@code rejected} with {@code code} by the applier without reading anything. */
    public ChangeEvent rejectedAs(String code) {
        return new ChangeEvent(changeId, accountId, deviceId, table, op, recordId, baseVersion, data, receivedAt, after,
                code);
    }
}

package io.syncd.common;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.node.ObjectNode;

/**
 * A record of a synced table as stored: its data and sync columns.
 *
 * @param data the wire-form data; kept on tombstones (columns are NOT NULL) but never sent for them
 * @param position the account's change sequence of the change that wrote it last
 */
public record SyncedRecord(SyncTable table, UUID accountId, UUID recordId, long version, boolean deleted,
                           ObjectNode data, UUID deviceId, Instant updatedAt, Instant syncedAt, long position) {

    /** The record envelope of PROTOCOL.md ("Records"); a tombstone carries {@code "data":null}. */
    public ObjectNode toEnvelope() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("table", table.wireName());
        node.put("record_id", recordId.toString());
        node.put("version", version);
        node.put("is_deleted", deleted);
        if (deleted) {
            node.putNull("data");
        } else {
            node.set("data", data);
        }
        node.put("updated_at", RecordData.timestamp(updatedAt));
        node.put("device_id", deviceId.toString());
        return node;
    }
}

package io.syncd.client;

import java.time.Instant;

import io.syncd.common.ChangeResult;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ObjectNode;

/**
 * A change the server rejected (e.g. {@code missing_parent}: its book or event was deleted on another device). The
 * local data is kept and the record stays dirty. Edit the record again to send a new change, or
 * {@link SyncClient#resolve} it: {@code use_server} drops the local edit and takes the server's record.
 *
 * @param code      the server's error code ({@code missing_parent}, {@code not_found}, {@code immutable_field} for an
 *                  edit that names another parent than the record's, or {@code invalid_request} when the server
 *                  refused the data itself)
 * @param localData the record's current local data (null when the local edit is a delete)
 */
public record Rejection(String changeId, String table, String recordId, String code, String message,
                        ObjectNode localData, boolean resolving, Instant rejectedAt) {

    /**
     * The data field the rejection is about, as the server's {@code error.field} names it: for {@code immutable_field}
     * the table's parent field ({@code book_id}, {@code event_id}), which can never change once the record exists (to
     * move a record, delete it and create a new one); null for other codes. The server names no other field, so it
     * is derived here rather than stored with the rejection.
     */
    public String field() {
        return SyncTable.fromWireName(table).map(t -> ChangeResult.Error.of(t, code, message).field()).orElse(null);
    }
}

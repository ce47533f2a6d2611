package io.syncd.client;

import java.time.Instant;

import tools.jackson.databind.node.ObjectNode;

/**
 * A change the server rejected (e.g. {@code missing_parent}: its book or event was deleted on another device). The
 * local data is kept and the record stays dirty. Edit the record again to send a new change, or
 * {@link SyncClient#resolve} it: {@code use_server} drops the local edit and takes the server's record.
 *
 * @param code      the server's error code ({@code missing_parent}, {@code not_found}, or {@code invalid_request}
 *                  when the server refused the data itself)
 * @param localData the record's current local data (null when the local edit is a delete)
 */
public record Rejection(String changeId, String table, String recordId, String code, String message,
                        ObjectNode localData, boolean resolving, Instant rejectedAt) {
}

package io.syncd.client;

import java.time.Instant;

import tools.jackson.databind.node.ObjectNode;

/**
 * An open conflict: the server decided this device's change against a newer server version. The local edit is kept
 * (the record stays dirty) until the app resolves it with {@link SyncClient#resolve}.
 *
 * @param changeId      the change the server answered {@code conflict} to; names the conflict
 * @param localData     the record's current local data (null when the local edit is a delete)
 * @param localDeleted  the local edit deletes the record
 * @param serverRecord  the server's record envelope ({@code version}, {@code is_deleted}, {@code data}, …); null when
 *                      the record does not exist on the server
 * @param serverVersion the version a resolution is based on ({@code serverRecord.version}, or 0)
 * @param resolving     a resolution was chosen and is being sent (or waits for the next sync)
 */
public record Conflict(String changeId, String table, String recordId, ObjectNode localData, boolean localDeleted,
                       ObjectNode serverRecord, long serverVersion, boolean resolving, Instant detectedAt) {
}

package io.syncd.client.store;

import java.time.Instant;

import io.syncd.common.SyncTable;

/**
 * A row of the {@code conflicts} table: a conflict or a rejection the app has not settled.
 *
 * @param status            {@code conflict} or {@code rejected}
 * @param serverRecord      the server's envelope as JSON text; null when there is none
 * @param resolvingChangeId the outbox change that resolves it; null until the app chose a resolution
 */
public record OpenIssue(String changeId, SyncTable table, String recordId, String status, String serverRecord,
                        long serverVersion, String errorCode, String errorMessage, String resolvingChangeId,
                        Instant detectedAt) {
    public static final String CONFLICT = "conflict";
    public static final String REJECTED = "rejected";

    public boolean resolving() {
        return resolvingChangeId != null;
    }
}

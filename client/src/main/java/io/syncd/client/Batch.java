package io.syncd.client;

import tools.jackson.databind.JsonNode;

/** Local edits made together in one transaction by {@link SyncClient#batch}: all are stored, or none. */
public interface Batch {
    LocalRecord put(String table, String recordId, JsonNode data);

    LocalRecord delete(String table, String recordId);
}

package io.syncd.client;

import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads the protocol's per-change result objects. */
final class ChangeResults {
    static final String APPLIED = "applied";
    static final String CONFLICT = "conflict";
    static final String REJECTED = "rejected";
    static final String PENDING = "pending";

    private ChangeResults() {
    }

    static ChangeResult of(JsonNode result) {
        JsonNode record = result.get("server_record");
        // A resolution's result may name its table only in the record.
        String tableName = result.hasNonNull("table") ? result.get("table").asString()
                : record == null ? "" : record.path("table").asString("");
        record = SyncTable.fromWireName(tableName).map(table -> AppStrokes.stored(table, result.get("server_record")))
                .orElse(record);
        JsonNode error = result.path("error");
        return new ChangeResult(result.path("change_id").asString(null), result.path("status").asString(null),
                tableName.isEmpty() ? null : tableName, result.path("record_id").asString(null),
                result.hasNonNull("version") ? result.get("version").longValue() : null,
                record != null && record.isObject() ? (ObjectNode) record : null,
                error.path("code").asString(null), error.path("message").asString(null));
    }
}

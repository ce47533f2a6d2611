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
        JsonNode record = SyncTable.fromWireName(result.path("table").asString(""))
                .map(table -> AppStrokes.stored(table, result.get("server_record"))).orElse(result.get("server_record"));
        JsonNode error = result.path("error");
        return new ChangeResult(result.path("change_id").asString(null), result.path("status").asString(null),
                result.path("table").asString(null), result.path("record_id").asString(null),
                result.hasNonNull("version") ? result.get("version").longValue() : null,
                record != null && record.isObject() ? (ObjectNode) record : null,
                error.path("code").asString(null), error.path("message").asString(null));
    }
}

package io.syncd.gateway.push;

import java.util.UUID;

import io.syncd.common.ChangeEvent;
import io.syncd.common.Json;
import tools.jackson.databind.node.ObjectNode;

/** Builds the protocol's per-change result objects. */
final class ChangeResults {
    private ChangeResults() {
    }

    static ObjectNode base(UUID changeId, String status, String table, UUID recordId) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("change_id", changeId.toString());
        result.put("status", status);
        result.put("table", table);
        result.put("record_id", recordId.toString());
        return result;
    }

    /** An applied change that got {@code version}, as {@link DecisionsTable#find} reads it from sync_log. */
    static ObjectNode applied(ChangeEvent change, long version) {
        return base(change.changeId(), "applied", change.table().wireName(), change.recordId()).put("version", version);
    }

    static ObjectNode pending(ChangeEvent change) {
        return base(change.changeId(), "pending", change.table().wireName(), change.recordId());
    }
}

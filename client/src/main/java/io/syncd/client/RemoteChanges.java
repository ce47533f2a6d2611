package io.syncd.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The records one pull wrote into the local store from the server: other devices' changes (this device's own
 * pushes, already known locally, are not among them), in the order they were applied.
 */
public record RemoteChanges(List<Change> changes) {
    /** One record as it now is in the store. */
    public record Change(String table, String recordId, long version, boolean deleted) {
        static Change of(JsonNode record) {
            return new Change(record.get("table").asString(), record.get("record_id").asString(),
                    record.get("version").longValue(), record.path("is_deleted").asBoolean(false));
        }
    }

    public RemoteChanges {
        changes = List.copyOf(changes);
    }

    /** The changes per table, tables in the order first met. */
    public Map<String, List<Change>> byTable() {
        Map<String, List<Change>> tables = new LinkedHashMap<>();
        for (Change change : changes) {
            tables.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
        }
        tables.replaceAll((t, list) -> List.copyOf(list));
        return tables;
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }
}

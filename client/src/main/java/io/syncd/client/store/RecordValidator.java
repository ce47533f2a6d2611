package io.syncd.client.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.syncd.client.InvalidRecordException;
import io.syncd.common.Json;
import io.syncd.common.Limits;
import io.syncd.common.RecordRules;
import io.syncd.common.SyncTable;
import io.syncd.common.Uuids;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a local edit by the gateway's own {@link RecordRules} and normalizes its data the way the server stores it.
 * Refusing bad data at the local edit matters: the server refuses a whole push for one invalid change, so a bad
 * record would block the outbox.
 */
public final class RecordValidator {
    private RecordValidator() {
    }

    /** The table for a wire name, or an {@link InvalidRecordException}. */
    public static SyncTable table(String name) {
        return SyncTable.fromWireName(name).orElseThrow(() -> new InvalidRecordException(
                List.of("table: must be one of books, events, notes, schedule_drawings, got " + name)));
    }

    /** The record id in canonical form (lower case), or an {@link InvalidRecordException}. */
    public static String recordId(String id) {
        if (id == null || !Uuids.isCanonical(id)) {
            throw new InvalidRecordException(List.of("record_id: must be a UUID, got " + id));
        }
        return UUID.fromString(id).toString();
    }

    /** The normalized data, or an {@link InvalidRecordException} naming every violation. */
    public static ObjectNode normalize(SyncTable table, JsonNode data) {
        List<String> errors = new ArrayList<>();
        ObjectNode normalized =
                RecordRules.normalize(table, data, "data", (path, message) -> errors.add(path + ": " + message));
        if (normalized != null
                && Json.MAPPER.writeValueAsString(normalized).getBytes(StandardCharsets.UTF_8).length > Limits.MAX_DATA_BYTES) {
            errors.add("data: is over 1 MiB once serialized");
        }
        if (!errors.isEmpty()) {
            throw new InvalidRecordException(errors);
        }
        return normalized;
    }
}

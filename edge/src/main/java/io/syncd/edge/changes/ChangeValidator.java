package io.syncd.edge.changes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.ChangeResult;
import io.syncd.common.DataText;
import io.syncd.common.Field;
import io.syncd.common.Limits;
import io.syncd.common.RecordRules;
import io.syncd.common.SyncTable;
import io.syncd.common.Utf8;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates the {@code changes} of a push (or full sync) whole, before anything is queued: every field rule,
 * unknown fields, the size limits, and change ids unique within the request. Any violation fails the request.
 * A change that is valid but names another parent than an earlier change of the same record in the request is no
 * violation but a decision: it is marked {@code immutable_field} (see {@link ChangeEvent#rejection}).
 */
public final class ChangeValidator {
    private static final Set<String> CHANGE_FIELDS = Set.of("change_id", "table", "op", "record_id", "base_version", "data");

    private ChangeValidator() {
    }

    /** The valid changes of {@code accountId}'s device {@code deviceId}, each violation recorded under its path. */
    public static List<ChangeEvent> validate(JsonNode changes, String path, UUID accountId, UUID deviceId,
                                             Instant receivedAt, Violations violations) {
        if (changes == null || changes.isNull()) {
            violations.add(path, "is required");
            return List.of();
        }
        if (!changes.isArray()) {
            violations.add(path, "must be an array");
            return List.of();
        }
        if (changes.size() > Limits.MAX_CHANGES_PER_PUSH) {
            throw ApiException.invalid(path, "at most " + Limits.MAX_CHANGES_PER_PUSH + " changes a request, got " + changes.size());
        }
        List<ChangeEvent> events = new ArrayList<>(changes.size());
        Map<UUID, Integer> seen = new HashMap<>();
        Map<RecordId, String> firstParents = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            String at = path + "[" + i + "]";
            JsonObject change = JsonObject.of(changes.get(i), at, violations);
            if (change == null) {
                continue;
            }
            change.allowOnly(CHANGE_FIELDS);
            UUID changeId = change.uuid("change_id", true);
            UUID recordId = change.uuid("record_id", true);
            Long baseVersion = change.integer("base_version", true, 0, Long.MAX_VALUE);
            SyncTable table = table(change, violations);
            ChangeOp op = op(change, violations, false);
            if (changeId != null) {
                Integer first = seen.putIfAbsent(changeId, i);
                if (first != null) {
                    violations.add(change.path("change_id"), "duplicates " + path + "[" + first + "].change_id");
                }
            }
            ObjectNode normalized = normalizedData(change, table, op, violations);
            String data = normalized == null ? null : text(change, normalized);
            if (changeId != null && recordId != null && baseVersion != null && table != null && op != null
                    && (op != ChangeOp.UPSERT || data != null)) {
                ChangeEvent event = new ChangeEvent(changeId, accountId, deviceId, table, op, recordId,
                        baseVersion, data, receivedAt);
                if (normalized != null && table.parentField() != null) {
                    String parent = normalized.get(table.parentField()).stringValue();
                    String first = firstParents.putIfAbsent(new RecordId(table, recordId), parent);
                    if (first != null && !first.equals(parent)) {
                        event = event.rejectedAs(ChangeResult.IMMUTABLE_FIELD);
                    }
                }
                events.add(event);
            }
        }
        return events;
    }

    /**
     * One record of the request, keyed to the parent its first upsert names. Parents are fixed at creation
     * (PROTOCOL.md, "Push"): a later upsert of the record naming another parent can never apply together with the
     * first, so the later one is the change rejected, whatever the applier decides for the first.
     */
    private record RecordId(SyncTable table, UUID recordId) {
    }

    /** The {@code table} field: one of the synced tables, or null with a violation. */
    public static SyncTable table(JsonObject change, Violations violations) {
        String name = change.string("table", true, 0, false);
        if (name == null) {
            return null;
        }
        return SyncTable.fromWireName(name).orElseGet(() -> {
            violations.add(change.path("table"), "must be one of books, events, notes, schedule_drawings");
            return null;
        });
    }

    /** The {@code op} field (upsert or delete; {@code optional}: absent means upsert), or null with a violation. */
    public static ChangeOp op(JsonObject change, Violations violations, boolean optional) {
        String name = change.string("op", !optional, 0, false);
        if (name == null) {
            return optional && !change.has("op") ? ChangeOp.UPSERT : null;
        }
        ChangeOp op = ChangeOp.fromWireName(name).filter(o -> o != ChangeOp.USE_SERVER).orElse(null);
        if (op == null) {
            violations.add(change.path("op"), "must be upsert or delete");
        }
        return op;
    }

    /** The normalized data as JSON text for an upsert; null for a delete (which must carry none). */
    public static String data(JsonObject change, SyncTable table, ChangeOp op, Violations violations) {
        ObjectNode normalized = normalizedData(change, table, op, violations);
        return normalized == null ? null : text(change, normalized);
    }

    /** The normalized data of an upsert; null for a delete, or with a violation. */
    private static ObjectNode normalizedData(JsonObject change, SyncTable table, ChangeOp op, Violations violations) {
        JsonNode data = change.get("data");
        if (op == ChangeOp.DELETE) {
            if (data != null) {
                violations.add(change.path("data"), "must be absent for a delete");
            }
            return null;
        }
        if (op != ChangeOp.UPSERT || table == null) {
            return null;
        }
        if (data == null) {
            violations.add(change.path("data"), "is required for an upsert");
            return null;
        }
        return RecordRules.normalize(table, data, change.path("data"), violations::add);
    }

    /**
     * Normalized data as the JSON text the change event carries; 413 when the data as the device sent it is over the
     * limit: a JSON device's strokes count as the JSON it sent (v1's limit, unchanged), an ink device's as their base64.
     */
    private static String text(JsonObject change, ObjectNode normalized) {
        String text = DataText.of(normalized);
        long size = Utf8.length(text);
        JsonNode strokes = change.get("data").get(Field.STROKES_JSON);
        JsonNode ink = normalized.get(Field.STROKES_INK);
        if (strokes != null && ink != null && ink.isBinary()) { // encoded here from the device's JSON
            size += Utf8.length(RecordRules.arrayText(strokes)) - 4L * ((ink.binaryValue().length + 2) / 3);
        }
        if (size > Limits.MAX_DATA_BYTES) {
            throw ApiException.tooLarge(change.path("data") + " is over 1 MiB once serialized");
        }
        return text;
    }
}

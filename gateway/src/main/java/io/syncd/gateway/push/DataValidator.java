package io.syncd.gateway.push;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.regex.Pattern;

import io.syncd.common.Field;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import io.syncd.common.Timestamps;
import io.syncd.gateway.web.JsonBody;
import io.syncd.gateway.web.JsonObject;
import io.syncd.gateway.web.Violations;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates a record's {@code data} against its table's fields (PROTOCOL.md, "Records") and normalizes it:
 * every field present, defaults filled in, timestamps in UTC. Normalized data is what the applier stores.
 */
final class DataValidator {
    // RFC 3339 with seconds; at most microseconds, which is what PostgreSQL keeps.
    private static final int MAX_FRACTION_DIGITS = 6;
    private static final Pattern DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");

    private DataValidator() {
    }

    /** The normalized data, or null when a violation was recorded. */
    static ObjectNode validate(SyncTable table, JsonNode data, String path, Violations violations) {
        JsonObject object = JsonObject.of(data, path, violations);
        if (object == null) {
            return null;
        }
        object.allowOnly(table.fieldNames());
        ObjectNode normalized = Json.MAPPER.createObjectNode();
        boolean valid = true;
        for (Field field : table.fields()) {
            valid &= normalize(field, object, normalized, violations);
        }
        if (valid && table == SyncTable.EVENTS && normalized.hasNonNull("end_time")) {
            Instant start = Timestamps.parse(normalized.get("start_time").stringValue());
            Instant end = Timestamps.parse(normalized.get("end_time").stringValue());
            if (end.isBefore(start)) {
                violations.add(object.path("end_time"), "must not be before start_time");
                valid = false;
            }
        }
        return valid ? normalized : null;
    }

    private static boolean normalize(Field field, JsonObject object, ObjectNode out, Violations violations) {
        String name = field.name();
        String path = object.path(name);
        JsonNode value = object.get(name);
        if (value == null) {
            if (field.required()) {
                violations.add(path, "is required");
                return false;
            }
            if (field.defaultValue() != null) {
                out.put(name, field.defaultValue());
            } else {
                out.putNull(name);
            }
            return true;
        }
        switch (field.type()) {
            case TEXT -> {
                String text = object.string(name, field.required(), field.maxLength(), field.notBlank());
                if (text == null) {
                    return false;
                }
                out.put(name, text);
            }
            case BOOL -> {
                if (!value.isBoolean()) {
                    violations.add(path, "must be true or false");
                    return false;
                }
                out.put(name, value.booleanValue());
            }
            case UUID -> {
                java.util.UUID id = JsonObject.uuidValue(value, path, violations);
                if (id == null) {
                    return false;
                }
                out.put(name, id.toString());
            }
            case TIMESTAMP -> {
                try {
                    if (!value.isString()) {
                        throw new DateTimeException("not a string");
                    }
                    out.put(name, Timestamps.format(Timestamps.parse(value.stringValue(), MAX_FRACTION_DIGITS)));
                } catch (DateTimeException e) {
                    violations.add(path, "must be an RFC 3339 timestamp such as 2026-11-24T10:00:00Z");
                    return false;
                }
            }
            case DATE -> {
                try {
                    if (!value.isString() || !DATE.matcher(value.stringValue()).matches()) {
                        throw new DateTimeException("shape");
                    }
                    out.put(name, LocalDate.parse(value.stringValue()).toString());
                } catch (DateTimeException e) {
                    violations.add(path, "must be a date YYYY-MM-DD");
                    return false;
                }
            }
            case INT -> {
                Long number = object.integer(name, field.required(), field.min(), field.max());
                if (number == null) {
                    return false;
                }
                out.put(name, number.intValue());
            }
            case JSON_ARRAY -> {
                if (!JsonBody.isArray(value)) {
                    violations.add(path, "must be a JSON array");
                    return false;
                }
                out.set(name, value);
            }
        }
        return true;
    }
}

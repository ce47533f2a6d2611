package io.syncd.client.store;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.syncd.client.InvalidRecordException;
import io.syncd.common.Field;
import io.syncd.common.Json;
import io.syncd.common.Limits;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a record's {@code data} by the rules the gateway applies (PROTOCOL.md, "Records") and normalizes it the way
 * the server stores it: every field present, defaults filled in, timestamps in UTC. Refusing bad data at the local
 * edit matters: the server refuses a whole push for one invalid change, so a bad record would block the outbox.
 */
public final class RecordValidator {
    private static final Pattern UUID_SHAPE =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern TIMESTAMP =
            Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})$");
    private static final Pattern DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");

    private RecordValidator() {
    }

    /** The table for a wire name, or an {@link InvalidRecordException}. */
    public static SyncTable table(String name) {
        return SyncTable.fromWireName(name).orElseThrow(() -> new InvalidRecordException(
                List.of("table: must be one of books, events, notes, schedule_drawings, got " + name)));
    }

    /** The record id in canonical form (lower case), or an {@link InvalidRecordException}. */
    public static String recordId(String id) {
        if (id == null || !UUID_SHAPE.matcher(id).matches()) {
            throw new InvalidRecordException(List.of("record_id: must be a UUID, got " + id));
        }
        return UUID.fromString(id).toString();
    }

    /** The normalized data, or an {@link InvalidRecordException} naming every violation. */
    public static ObjectNode normalize(SyncTable table, JsonNode data) {
        List<String> errors = new ArrayList<>();
        if (data == null || !data.isObject()) {
            throw new InvalidRecordException(List.of("data: must be a JSON object"));
        }
        for (String name : data.propertyNames()) {
            if (!table.fieldNames().contains(name)) {
                errors.add("data." + name + ": unknown field of " + table.wireName());
            }
        }
        ObjectNode normalized = Json.MAPPER.createObjectNode();
        for (Field field : table.fields()) {
            normalize(field, data.get(field.name()), normalized, errors);
        }
        if (errors.isEmpty() && table == SyncTable.EVENTS && normalized.hasNonNull("end_time")
                && OffsetDateTime.parse(normalized.get("end_time").stringValue())
                .isBefore(OffsetDateTime.parse(normalized.get("start_time").stringValue()))) {
            errors.add("data.end_time: must not be before start_time");
        }
        if (errors.isEmpty()
                && Json.MAPPER.writeValueAsString(normalized).getBytes(StandardCharsets.UTF_8).length > Limits.MAX_DATA_BYTES) {
            errors.add("data: is over 1 MiB once serialized");
        }
        if (!errors.isEmpty()) {
            throw new InvalidRecordException(errors);
        }
        return normalized;
    }

    private static void normalize(Field field, JsonNode value, ObjectNode out, List<String> errors) {
        String name = field.name();
        String path = "data." + name;
        if (value == null || value.isNull()) {
            if (field.required()) {
                errors.add(path + ": is required");
            } else if (field.defaultValue() != null) {
                out.put(name, field.defaultValue());
            } else {
                out.putNull(name);
            }
            return;
        }
        switch (field.type()) {
            case TEXT -> {
                if (!value.isString()) {
                    errors.add(path + ": must be a string");
                } else if (field.notBlank() && value.stringValue().isBlank()) {
                    errors.add(path + ": must not be blank");
                } else if (field.maxLength() > 0
                        && value.stringValue().codePointCount(0, value.stringValue().length()) > field.maxLength()) {
                    errors.add(path + ": must be at most " + field.maxLength() + " characters");
                } else {
                    out.put(name, value.stringValue());
                }
            }
            case BOOL -> {
                if (value.isBoolean()) {
                    out.put(name, value.booleanValue());
                } else {
                    errors.add(path + ": must be true or false");
                }
            }
            case UUID -> {
                if (value.isString() && UUID_SHAPE.matcher(value.stringValue()).matches()) {
                    out.put(name, UUID.fromString(value.stringValue()).toString());
                } else {
                    errors.add(path + ": must be a UUID");
                }
            }
            case TIMESTAMP -> {
                try {
                    if (!value.isString() || !TIMESTAMP.matcher(value.stringValue()).matches()) {
                        throw new DateTimeException("shape");
                    }
                    out.put(name, OffsetDateTime.parse(value.stringValue()).toInstant().toString());
                } catch (DateTimeException e) {
                    errors.add(path + ": must be an RFC 3339 timestamp such as 2026-11-24T10:00:00Z");
                }
            }
            case DATE -> {
                try {
                    if (!value.isString() || !DATE.matcher(value.stringValue()).matches()) {
                        throw new DateTimeException("shape");
                    }
                    out.put(name, LocalDate.parse(value.stringValue()).toString());
                } catch (DateTimeException e) {
                    errors.add(path + ": must be a date YYYY-MM-DD");
                }
            }
            case INT -> {
                if (value.isIntegralNumber() && value.canConvertToLong()
                        && value.longValue() >= field.min() && value.longValue() <= field.max()) {
                    out.put(name, value.intValue());
                } else {
                    errors.add(path + ": must be an integer from " + field.min() + " to " + field.max());
                }
            }
            case JSON_ARRAY -> {
                if (value.isArray()) {
                    out.set(name, value);
                } else {
                    errors.add(path + ": must be a JSON array");
                }
            }
        }
    }
}

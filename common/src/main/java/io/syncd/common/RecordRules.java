package io.syncd.common;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/**
 * The protocol's rules for a record's {@code data} (PROTOCOL.md, "Records"), derived from {@link SyncTable}: what the
 * gateway refuses at the door and what the applier refuses from a change event that did not pass the gateway. Valid
 * data comes back normalized (every field present, defaults filled in, timestamps in UTC), as it is stored.
 *
 * <p>Beyond the JSON rules, every value must be storable by PostgreSQL: no U+0000 and no unpaired surrogate in a
 * string (its text type refuses the one and the UTF-8 encoder cannot write the other), timestamps and dates within
 * the years 0001 to 9999.
 */
public final class RecordRules {
    /** Most fraction digits of a timestamp in data: microseconds, what PostgreSQL keeps. */
    public static final int MAX_FRACTION_DIGITS = 6;
    private static final Pattern DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");
    private static final LocalDate FIRST_DATE = LocalDate.of(1, 1, 1);

    /** Where a rule reports a violation: the field's full path and what is wrong with it. */
    @FunctionalInterface
    public interface Violations {
        void add(String path, String message);
    }

    private RecordRules() {
    }

    /**
     * The normalized data, or null when {@code data} broke a rule (each one reported under {@code path}, e.g.
     * {@code changes[2].data.name}).
     */
    public static ObjectNode normalize(SyncTable table, JsonNode data, String path, Violations violations) {
        ObjectNode normalized = Json.MAPPER.createObjectNode();
        return check(table, data, path, normalized, violations) ? normalized : null;
    }

    /**
     * The first rule {@code data} breaks, as "data.field: message", or null when it is valid: {@link #normalize}'s
     * rules without building the normalized copy. The applier checks every event this way (one that did not pass the
     * gateway must not stop its partition), on the one thread that decides the batches.
     */
    public static String firstViolation(SyncTable table, JsonNode data) {
        StringBuilder first = new StringBuilder();
        check(table, data, "data", null, (path, message) -> {
            if (first.isEmpty()) {
                first.append(path).append(": ").append(message);
            }
        });
        return first.isEmpty() ? null : first.toString();
    }

    /** Applies the rules; the normalized fields go to {@code out} unless it is null (only checking). */
    private static boolean check(SyncTable table, JsonNode data, String path, ObjectNode out, Violations violations) {
        if (data == null || !data.isObject()) {
            violations.add(path, "must be a JSON object");
            return false;
        }
        boolean valid = true;
        for (String name : data.propertyNames()) {
            if (!table.fieldNames().contains(name) && !(name.equals(Field.STROKES_JSON) && Strokes.isInkTable(table))) {
                violations.add(path + "." + name, "unknown field");
                valid = false;
            }
        }
        for (Field field : table.fields()) {
            valid &= field.type() == FieldType.INK
                    ? Strokes.normalize(field, data, path, out, violations)
                    : normalize(field, data.get(field.name()), path, out, violations);
        }
        JsonNode times = out != null ? out : data; // valid: both hold the same instants
        if (valid && table == SyncTable.EVENTS && times.hasNonNull("end_time")) {
            Instant start = Timestamps.parse(times.get("start_time").stringValue());
            Instant end = Timestamps.parse(times.get("end_time").stringValue());
            if (end.isBefore(start)) {
                violations.add(path + ".end_time", "must not be before start_time");
                valid = false;
            }
        }
        return valid;
    }

    /** What makes {@code text} unstorable, or null when PostgreSQL can store it as it is. */
    public static String textProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "must not contain U+0000";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    return "must not contain an unpaired surrogate (U+D800 to U+DFFF)";
                }
                i++;
            }
        }
        return null;
    }

    /** Whether {@code node} is a JSON array: a tree, or one kept as its raw text (handwriting strokes). */
    public static boolean isArray(JsonNode node) {
        return node.isArray() || node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw
                && raw.rawValue().toString().startsWith("[");
    }

    /** The JSON text of an array {@link #isArray} accepts: its raw text as received, or a tree's serialization. */
    public static String arrayText(JsonNode array) {
        if (array instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw) {
            return raw.rawValue().toString();
        }
        return Json.MAPPER.writeValueAsString(array);
    }

    /** One field; {@code path} is the data's, the field's own is built only for a violation (most data has none). */
    private static boolean normalize(Field field, JsonNode value, String path, ObjectNode out, Violations violations) {
        String name = field.name();
        if (value == null || value.isNull()) {
            if (field.required()) {
                violations.add(path + "." + field.name(), "is required");
                return false;
            }
            if (out == null) {
                return true;
            }
            if (field.defaultValue() != null) {
                out.put(name, field.defaultValue());
            } else {
                out.putNull(name);
            }
            return true;
        }
        String problem = switch (field.type()) {
            case TEXT -> text(field, value, out);
            case BOOL -> {
                if (!value.isBoolean()) {
                    yield "must be true or false";
                }
                if (out != null) {
                    out.put(name, value.booleanValue());
                }
                yield null;
            }
            case UUID -> {
                if (!value.isString() || !Uuids.isCanonical(value.stringValue())) {
                    yield "must be a UUID";
                }
                if (out != null) {
                    out.put(name, java.util.UUID.fromString(value.stringValue()).toString());
                }
                yield null;
            }
            case TIMESTAMP -> timestamp(value, name, out);
            case DATE -> date(value, name, out);
            case INT -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < field.min()
                        || value.longValue() > field.max()) {
                    yield "must be an integer from " + field.min() + " to " + field.max();
                }
                if (out != null) {
                    out.put(name, value.intValue());
                }
                yield null;
            }
            case INK -> throw new IllegalStateException("strokes are normalized by Strokes");
        };
        if (problem != null) {
            violations.add(path + "." + field.name(), problem);
            return false;
        }
        return true;
    }

    private static String text(Field field, JsonNode value, ObjectNode out) {
        if (!value.isString()) {
            return "must be a string";
        }
        String text = value.stringValue();
        String problem = textProblem(text);
        if (problem != null) {
            return problem;
        }
        if (field.notBlank() && text.isBlank()) {
            return "must not be blank";
        }
        if (field.maxLength() > 0 && text.codePointCount(0, text.length()) > field.maxLength()) {
            return "must be at most " + field.maxLength() + " characters";
        }
        if (out != null) {
            out.put(field.name(), text);
        }
        return null;
    }

    private static String timestamp(JsonNode value, String name, ObjectNode out) {
        String shape = "must be an RFC 3339 timestamp such as 2026-11-24T10:00:00Z";
        if (!value.isString()) {
            return shape;
        }
        try {
            Instant instant = Timestamps.parse(value.stringValue(), MAX_FRACTION_DIGITS);
            if (out != null) {
                out.put(name, Timestamps.format(instant));
            }
            return null;
        } catch (Timestamps.OutOfRangeException e) {
            return "must lie within the years 0001 to 9999 once in UTC";
        } catch (DateTimeException e) {
            return shape;
        }
    }

    private static String date(JsonNode value, String name, ObjectNode out) {
        String shape = "must be a date YYYY-MM-DD";
        if (!value.isString() || !DATE.matcher(value.stringValue()).matches()) {
            return shape;
        }
        try {
            LocalDate date = LocalDate.parse(value.stringValue());
            if (date.isBefore(FIRST_DATE)) {
                return "must lie within the years 0001 to 9999";
            }
            if (out != null) {
                out.put(name, date.toString());
            }
            return null;
        } catch (DateTimeException e) {
            return shape;
        }
    }
}

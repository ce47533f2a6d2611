package io.syncd.edge.web;

import java.util.Set;
import java.util.UUID;

import io.syncd.common.RecordRules;
import io.syncd.common.Uuids;
import tools.jackson.databind.JsonNode;

/** Reads the fields of one JSON object of a request, recording each violation under its full path. */
public final class JsonObject {

    private final JsonNode node;
    private final String path;
    private final Violations violations;

    private JsonObject(JsonNode node, String path, Violations violations) {
        this.node = node;
        this.path = path;
        this.violations = violations;
    }

    /** The object at {@code path}, or null (with a violation) when the node is not an object. */
    public static JsonObject of(JsonNode node, String path, Violations violations) {
        if (node == null || !node.isObject()) {
            violations.add(path, "must be a JSON object");
            return null;
        }
        return new JsonObject(node, path, violations);
    }

    public JsonNode node() {
        return node;
    }

    public String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public void allowOnly(Set<String> fields) {
        for (String name : node.propertyNames()) {
            if (!fields.contains(name)) {
                violations.add(path(name), "unknown field");
            }
        }
    }

    /** The value, or null when the field is absent or JSON null. */
    public JsonNode get(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    public boolean has(String field) {
        return get(field) != null;
    }

    public String string(String field, boolean required, int maxLength, boolean notBlank) {
        JsonNode value = get(field);
        if (value == null) {
            if (required) {
                violations.add(path(field), "is required");
            }
            return null;
        }
        if (!value.isString()) {
            violations.add(path(field), "must be a string");
            return null;
        }
        String text = value.stringValue();
        String problem = RecordRules.textProblem(text);
        if (problem != null) {
            violations.add(path(field), problem);
            return null;
        }
        if (notBlank && text.isBlank()) {
            violations.add(path(field), "must not be blank");
            return null;
        }
        if (maxLength > 0 && text.codePointCount(0, text.length()) > maxLength) {
            violations.add(path(field), "must be at most " + maxLength + " characters");
            return null;
        }
        return text;
    }

    public UUID uuid(String field, boolean required) {
        JsonNode value = get(field);
        if (value == null) {
            if (required) {
                violations.add(path(field), "is required");
            }
            return null;
        }
        UUID id = uuidOrNull(value);
        if (id == null) {
            violations.add(path(field), "must be a UUID"); // the path is built only here: most requests have none
        }
        return id;
    }

    public static UUID uuidValue(JsonNode value, String path, Violations violations) {
        UUID id = uuidOrNull(value);
        if (id == null) {
            violations.add(path, "must be a UUID");
        }
        return id;
    }

    private static UUID uuidOrNull(JsonNode value) {
        return value.isString() && Uuids.isCanonical(value.stringValue()) ? UUID.fromString(value.stringValue()) : null;
    }

    /** An integer in [min, max]; null when absent (a violation if required) or invalid. */
    public Long integer(String field, boolean required, long min, long max) {
        JsonNode value = get(field);
        if (value == null) {
            if (required) {
                violations.add(path(field), "is required");
            }
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            violations.add(path(field), "must be an integer from " + min + " to " + max);
            return null;
        }
        return value.longValue();
    }
}

package io.syncd.gateway.web;

import java.util.Set;
import java.util.UUID;

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
        return uuidValue(value, path(field), violations);
    }

    public static UUID uuidValue(JsonNode value, String path, Violations violations) {
        if (!value.isString() || !isCanonicalUuid(value.stringValue())) {
            violations.add(path, "must be a UUID");
            return null;
        }
        return UUID.fromString(value.stringValue());
    }

    /** 8-4-4-4-12 hex digits: {@link UUID#fromString} alone also takes shortened forms such as "1-1-1-1-1". */
    private static boolean isCanonicalUuid(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
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

package io.syncd.standalone.contract;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes values that a schema of the document allows, from the schema alone: types, {@code const}, {@code enum},
 * formats (uuid, date-time, date), length and range limits at and inside their bounds, required and optional
 * properties, {@code oneOf}/{@code anyOf} branches, an object's {@code oneOf} of required sets and its
 * {@code allOf} of {@code if}/{@code then} rules (e.g. an upsert carries {@code data}, a delete none). Seeded: the
 * same seed makes the same values.
 */
final class SchemaGenerator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Letters of every width: ASCII, Latin-1, CJK and astral (two UTF-16 units, one character). */
    private static final int[] CODE_POINTS = {'a', 'b', 'k', 'z', 'A', 'Q', '0', '7', '-', '_', '.', ' ', 'é', 'ß', '漢',
            '字', 0x1F600, 0x1D11E, '\'', '"', '\\', '/', '<', '>'};

    private final OpenApiDocument document;
    private final Random random;

    SchemaGenerator(OpenApiDocument document, Random random) {
        this.document = document;
        this.random = random;
    }

    Random random() {
        return random;
    }

    /** A version-4 UUID from the seeded generator. */
    UUID uuid() {
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    JsonNode valid(JsonNode schema) {
        return valid(schema, 0);
    }

    private JsonNode valid(JsonNode given, int depth) {
        JsonNode schema = document.resolve(given);
        if (schema.has("const")) {
            return schema.get("const").deepCopy();
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(random.nextInt(schema.get("enum").size())).deepCopy();
        }
        if (!schema.has("type") && !schema.has("properties")) {
            for (String keyword : List.of("oneOf", "anyOf")) {
                if (schema.has(keyword)) {
                    return valid(branch(schema.get(keyword)), depth + 1);
                }
            }
            return NODES.objectNode();
        }
        return switch (type(schema)) {
            case "object" -> object(schema, depth);
            case "array" -> array(schema, depth);
            case "string" -> NODES.stringNode(string(schema));
            case "integer" -> NODES.numberNode(integer(schema));
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            case "null" -> NODES.nullNode();
            default -> throw new IllegalArgumentException("no generator for " + schema);
        };
    }

    /** A branch of a oneOf/anyOf: a non-null one four times in five. */
    private JsonNode branch(JsonNode branches) {
        List<JsonNode> all = new ArrayList<>();
        List<JsonNode> notNull = new ArrayList<>();
        branches.forEach(b -> {
            all.add(b);
            if (!isNullOnly(b)) {
                notNull.add(b);
            }
        });
        return !notNull.isEmpty() && random.nextInt(5) > 0 ? pick(notNull) : pick(all);
    }

    private String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return "object";
        }
        if (!type.isArray()) {
            return type.stringValue();
        }
        List<String> types = new ArrayList<>();
        type.forEach(t -> types.add(t.stringValue()));
        List<String> notNull = types.stream().filter(t -> !t.equals("null")).toList();
        return !notNull.isEmpty() && random.nextInt(6) > 0 ? pick(notNull) : pick(types);
    }

    boolean isNullOnly(JsonNode given) {
        JsonNode schema = document.resolve(given);
        return schema.has("type") && schema.get("type").isString() && schema.get("type").stringValue().equals("null");
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new HashSet<>();
        if (array != null) {
            array.forEach(n -> names.add(n.stringValue()));
        }
        return names;
    }

    private ObjectNode object(JsonNode schema, int depth) {
        ObjectNode object = NODES.objectNode();
        JsonNode properties = schema.get("properties");
        Set<String> required = names(schema.get("required"));
        if (properties != null) {
            for (String name : properties.propertyNames()) {
                if (required.contains(name) || random.nextBoolean()) {
                    object.set(name, valid(properties.get(name), depth + 1));
                }
            }
        }
        if (schema.has("oneOf")) { // exactly one of some required sets, e.g. as_of, seq or position
            JsonNode chosen = schema.get("oneOf").get(random.nextInt(schema.get("oneOf").size()));
            Set<String> keep = names(chosen.get("required"));
            schema.get("oneOf").forEach(other -> names(other.get("required")).stream().filter(n -> !keep.contains(n))
                    .forEach(object::remove));
            keep.stream().filter(n -> !object.has(n)).forEach(n -> object.set(n, valid(properties.get(n), depth + 1)));
        }
        if (schema.has("allOf")) {
            for (JsonNode rule : schema.get("allOf")) {
                JsonNode outcome = rule.has("if") ? (matches(rule.get("if"), object) ? rule.get("then") : rule.get("else"))
                        : rule;
                if (outcome != null) {
                    apply(outcome, properties, object, depth);
                }
            }
        }
        return object;
    }

    private void apply(JsonNode outcome, JsonNode properties, ObjectNode object, int depth) {
        Set<String> required = names(outcome.get("required"));
        JsonNode overrides = outcome.get("properties");
        if (overrides != null) {
            for (String name : overrides.propertyNames()) {
                JsonNode override = overrides.get(name);
                if (isNullOnly(override)) {
                    object.remove(name); // absent is as good as null, and what a client would send
                } else if (object.has(name) || required.contains(name)) {
                    object.set(name, valid(override, depth + 1));
                }
            }
        }
        required.stream().filter(n -> !object.has(n)).forEach(n -> object.set(n, valid(properties.get(n), depth + 1)));
    }

    /** Whether {@code object} meets an {@code if} of the document (required, const, enum, not). */
    private static boolean matches(JsonNode condition, ObjectNode object) {
        for (String name : names(condition.get("required"))) {
            if (!object.has(name)) {
                return false;
            }
        }
        JsonNode properties = condition.get("properties");
        if (properties != null) {
            for (String name : properties.propertyNames()) {
                JsonNode value = object.get(name);
                if (value != null && !satisfies(properties.get(name), value)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean satisfies(JsonNode condition, JsonNode value) {
        if (condition.has("const") && !condition.get("const").equals(value)) {
            return false;
        }
        if (condition.has("enum")) {
            boolean found = false;
            for (JsonNode option : condition.get("enum")) {
                found |= option.equals(value);
            }
            if (!found) {
                return false;
            }
        }
        return !condition.has("not") || !satisfies(condition.get("not"), value);
    }

    private ArrayNode array(JsonNode schema, int depth) {
        ArrayNode array = NODES.arrayNode();
        int min = schema.has("minItems") ? schema.get("minItems").intValue() : 0;
        int max = Math.min(schema.has("maxItems") ? schema.get("maxItems").intValue() : Integer.MAX_VALUE, min + 3);
        int count = min + random.nextInt(max - min + 1);
        for (int i = 0; i < count; i++) {
            array.add(schema.has("items") ? valid(schema.get("items"), depth + 1) : anyJson(depth + 1));
        }
        return array;
    }

    /** Any JSON value, e.g. an element of a strokes array: small arrays of numbers mostly. */
    private JsonNode anyJson(int depth) {
        return switch (depth > 6 ? 0 : random.nextInt(6)) {
            case 0 -> NODES.numberNode(random.nextInt(2000) - 1000);
            case 1 -> NODES.numberNode(random.nextDouble() * 100);
            case 2 -> NODES.stringNode("p" + random.nextInt(10));
            case 3 -> NODES.objectNode().put("x", random.nextInt(100)).put("y", random.nextInt(100));
            default -> {
                ArrayNode points = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    points.add(anyJson(depth + 1));
                }
                yield points;
            }
        };
    }

    private long integer(JsonNode schema) {
        long min = schema.has("minimum") ? schema.get("minimum").longValue() : -1000;
        long max = schema.has("maximum") ? schema.get("maximum").longValue() : Long.MAX_VALUE;
        int roll = random.nextInt(10);
        if (roll == 0) {
            return min;
        }
        if (roll == 1 && schema.has("maximum")) {
            return max;
        }
        if (roll == 1 && schema.has("format") && schema.get("format").stringValue().equals("int64")) {
            return Long.MAX_VALUE;
        }
        long span = max - min; // negative when it overflows: wider than any bound here
        return min + random.nextInt(span < 0 || span >= 99 ? 100 : (int) span + 1);
    }

    String string(JsonNode schema) {
        String format = schema.has("format") ? schema.get("format").stringValue() : "";
        switch (format) {
            case "uuid":
                return uuid().toString();
            case "date-time":
                return timestamp();
            case "date":
                return LocalDate.ofEpochDay(random.nextInt(2_932_896) - 719_162).toString(); // 0001-01-01 to 9999-12-31
            case "byte": // strokes_ink: the ink encoding of any strokes array, in base64
                return InkCodec.toBase64(InkCodec.encode(array(NODES.objectNode().put("type", "array"), 0)));
            default:
                break;
        }
        String pattern = schema.has("pattern") ? schema.get("pattern").stringValue() : null;
        int min = schema.has("minLength") ? schema.get("minLength").intValue() : 0;
        int max = schema.has("maxLength") ? schema.get("maxLength").intValue() : 30;
        if (pattern != null && pattern.startsWith("^[a-z_]")) { // an SQL name
            return "fuzz_" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36).substring(0, 6);
        }
        int roll = random.nextInt(10);
        int length = roll == 0 && schema.has("maxLength") ? max : roll == 1 ? min : min + random.nextInt(Math.min(max, 30) - min + 1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
        }
        if (pattern != null && length > 0 && text.toString().isBlank()) { // "\S": not blank
            text.replace(0, Character.charCount(text.codePointAt(0)), "x");
        }
        return text.toString();
    }

    /** An RFC 3339 timestamp with seconds, in UTC or at an offset, with 0 to 6 fraction digits. */
    String timestamp() {
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorMod(random.nextLong(), 4_102_444_800L), 0, ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(time.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")));
        int digits = random.nextInt(4) == 0 ? 1 + random.nextInt(6) : 0;
        if (digits > 0) {
            text.append('.');
            for (int i = 0; i < digits; i++) {
                text.append(random.nextInt(10));
            }
        }
        text.append(random.nextInt(3) == 0 ? pick(List.of("+02:00", "-05:30", "+23:59", "-00:00")) : "Z");
        return text.toString();
    }
}

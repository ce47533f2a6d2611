package io.syncd.standalone.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.syncd.common.Field;
import io.syncd.common.FieldType;
import io.syncd.common.Limits;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;

/**
 * The document's per-table {@code data} schemas (marked {@code x-sync-table}) say what {@link SyncTable} says: field
 * names, types, required fields, limits and defaults; and its request limits are those of {@link Limits}. The document
 * is kept by hand, so this is what keeps it from drifting from the one definition the server validates with.
 */
class TableSchemasTest {
    private final OpenApiDocument document = OpenApiDocument.load();

    private Map<String, JsonNode> dataSchemas() {
        Map<String, JsonNode> byTable = new HashMap<>();
        JsonNode schemas = document.root().at("/components/schemas");
        for (String name : schemas.propertyNames()) {
            JsonNode schema = schemas.get(name);
            if (schema.has("x-sync-table")) {
                byTable.put(schema.get("x-sync-table").stringValue(), schema);
            }
        }
        return byTable;
    }

    @Test
    void everyTableHasOneDataSchemaAndNoOther() {
        Set<String> tables = new HashSet<>();
        for (SyncTable table : SyncTable.values()) {
            tables.add(table.wireName());
        }
        assertThat(dataSchemas().keySet()).isEqualTo(tables);
        Set<String> names = new HashSet<>();
        document.root().at("/components/schemas/TableName/enum").forEach(n -> names.add(n.stringValue()));
        assertThat(names).isEqualTo(tables);
    }

    @Test
    void dataSchemasMatchTheTableDefinitions() {
        Map<String, JsonNode> schemas = dataSchemas();
        for (SyncTable table : SyncTable.values()) {
            JsonNode schema = schemas.get(table.wireName());
            String where = table.wireName() + ": ";
            assertThat(schema.get("type").stringValue()).as(where + "type").isEqualTo("object");
            assertThat(schema.get("additionalProperties").booleanValue()).as(where + "unknown fields are refused").isFalse();
            assertThat(new LinkedHashSet<>(schema.get("properties").propertyNames())).as(where + "fields")
                    .containsExactlyElementsOf(table.fields().stream().flatMap(f -> f.type() == FieldType.INK
                            ? Stream.of(Field.STROKES_JSON, Field.STROKES_INK) : Stream.of(f.name())).toList());
            Set<String> required = new HashSet<>();
            schema.get("required").forEach(r -> required.add(r.stringValue()));
            assertThat(required).as(where + "required").isEqualTo(new HashSet<>(table.fields().stream()
                    .filter(f -> f.required() && f.type() != FieldType.INK).map(Field::name).toList()));
            for (Field field : table.fields()) {
                if (field.type() == FieldType.INK) {
                    checkStrokes(where, schema);
                } else {
                    checkField(where + field.name(), field, schema.get("properties").get(field.name()));
                }
            }
        }
    }

    /** Strokes: exactly one of the JSON array or its ink encoding in base64. */
    private static void checkStrokes(String where, JsonNode schema) {
        assertThat(schema.at("/properties/strokes/type").stringValue()).as(where + "strokes").isEqualTo("array");
        assertThat(schema.at("/properties/strokes_ink/type").stringValue()).as(where + "strokes_ink").isEqualTo("string");
        assertThat(schema.at("/properties/strokes_ink/format").stringValue()).as(where + "strokes_ink").isEqualTo("byte");
        assertThat(schema.get("oneOf").toString()).as(where + "exactly one of them")
                .isEqualTo("[{\"required\":[\"strokes\"]},{\"required\":[\"strokes_ink\"]}]");
    }

    private static void checkField(String where, Field field, JsonNode schema) {
        JsonNode type = schema.get("type");
        Set<String> types = new HashSet<>();
        if (type.isArray()) {
            type.forEach(t -> types.add(t.stringValue()));
        } else {
            types.add(type.stringValue());
        }
        String json = switch (field.type()) {
            case TEXT, UUID, TIMESTAMP, DATE -> "string";
            case BOOL -> "boolean";
            case INT -> "integer";
            case INK -> throw new IllegalStateException("strokes are checked by checkStrokes");
        };
        Set<String> expected = new HashSet<>(Set.of(json));
        if (!field.required()) {
            expected.add("null"); // an optional field may be absent or null (then null, or its default, is stored)
        }
        assertThat(types).as(where + " type").isEqualTo(expected);
        String format = schema.has("format") ? schema.get("format").stringValue() : null;
        switch (field.type()) {
            case UUID -> assertThat(format).as(where + " format").isEqualTo("uuid");
            case TIMESTAMP -> assertThat(format).as(where + " format").isEqualTo("date-time");
            case DATE -> assertThat(format).as(where + " format").isEqualTo("date");
            default -> assertThat(format).as(where + " format").isNull();
        }
        if (field.type() == io.syncd.common.FieldType.TEXT) {
            assertThat(schema.has("maxLength") ? schema.get("maxLength").intValue() : 0).as(where + " maxLength")
                    .isEqualTo(field.maxLength());
            assertThat(schema.has("minLength") && schema.has("pattern")).as(where + " not blank").isEqualTo(field.notBlank());
        }
        if (field.type() == io.syncd.common.FieldType.INT) {
            assertThat(schema.get("minimum").longValue()).as(where + " minimum").isEqualTo(field.min());
            assertThat(schema.get("maximum").longValue()).as(where + " maximum").isEqualTo(field.max());
        }
        if (field.defaultValue() != null) {
            assertThat(schema.get("default").booleanValue()).as(where + " default").isEqualTo(field.defaultValue());
        } else {
            assertThat(schema.has("default")).as(where + " has no default").isFalse();
        }
    }

    @Test
    void requestLimitsAreTheProtocolsLimits() {
        JsonNode schemas = document.root().at("/components/schemas");
        assertThat(schemas.at("/PushRequest/properties/changes/maxItems").intValue()).isEqualTo(Limits.MAX_CHANGES_PER_PUSH);
        assertThat(schemas.at("/FullRequest/properties/changes/maxItems").intValue()).isEqualTo(Limits.MAX_CHANGES_PER_PUSH);
        for (String request : new String[] {"PullRequest", "FullRequest"}) {
            JsonNode limit = schemas.at("/" + request + "/properties/limit");
            assertThat(limit.get("maximum").intValue()).isEqualTo(Limits.MAX_PULL_LIMIT);
            assertThat(limit.get("default").intValue()).isEqualTo(Limits.DEFAULT_PULL_LIMIT);
            assertThat(limit.get("minimum").intValue()).isEqualTo(1);
        }
    }
}

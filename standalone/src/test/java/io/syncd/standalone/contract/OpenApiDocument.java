package io.syncd.standalone.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The served OpenAPI document ({@code gateway/src/main/resources/apidocs/openapi.json}) as the tests read it: its
 * operations, the statuses each one documents, and JSON Schema (draft 2020-12) validation of any of its schemas, with
 * its {@code $ref}s resolved against the whole document.
 */
final class OpenApiDocument {
    static final String RESOURCE = "apidocs/openapi.json";
    static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
    private static final String BASE = "https://syncd.invalid/openapi.json";

    private static OpenApiDocument loaded;

    private final String text;
    private final JsonNode root;
    private final SchemaRegistry registry;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** One operation of the document. */
    record Operation(String method, String path, JsonNode node) {
        String id() {
            return node.get("operationId").stringValue();
        }

        /** The statuses it documents, e.g. {@code 200}, {@code 400}. */
        Set<Integer> statuses() {
            Set<Integer> statuses = new LinkedHashSet<>();
            node.get("responses").propertyNames().forEach(s -> statuses.add(Integer.parseInt(s)));
            return statuses;
        }

        /** The security schemes it takes ({@code deviceToken}, {@code adminToken}); empty when it needs none. */
        Set<String> security(OpenApiDocument document) {
            JsonNode security = node.has("security") ? node.get("security") : document.root().get("security");
            Set<String> schemes = new LinkedHashSet<>();
            boolean anonymous = false;
            for (JsonNode requirement : security) {
                if (requirement.isEmpty()) {
                    anonymous = true;
                }
                requirement.propertyNames().forEach(schemes::add);
            }
            return anonymous ? Set.of() : schemes;
        }

        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private OpenApiDocument(String text) {
        this.text = text;
        this.root = Json.MAPPER.readTree(text);
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(config).schemas(Map.of(BASE, text)));
    }

    static synchronized OpenApiDocument load() {
        if (loaded == null) {
            try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the class path");
                }
                loaded = new OpenApiDocument(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return loaded;
    }

    /** A document of other text (e.g. one broken on purpose). */
    static OpenApiDocument of(String text) {
        return new OpenApiDocument(text);
    }

    String text() {
        return text;
    }

    JsonNode root() {
        return root;
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        JsonNode paths = root.get("paths");
        for (String path : paths.propertyNames()) {
            for (String method : METHODS) {
                if (paths.get(path).has(method)) {
                    operations.add(new Operation(method, path, paths.get(path).get(method)));
                }
            }
        }
        return operations;
    }

    /** A node with its {@code $ref} (to this document) followed, repeatedly. */
    JsonNode resolve(JsonNode node) {
        while (node != null && node.has("$ref")) {
            node = root.at(node.get("$ref").stringValue().substring(1));
        }
        return node;
    }

    /** The response object an operation documents for a status (its {@code $ref} followed), or null. */
    JsonNode response(Operation operation, int status) {
        return resolve(operation.node().get("responses").get(Integer.toString(status)));
    }

    /** The schema errors of {@code instance} against {@code schema}, a schema node of this document. */
    List<String> validate(JsonNode schema, JsonNode instance) {
        String key = schema.toString();
        Schema compiledSchema = compiled.computeIfAbsent(key, k -> {
            ObjectNode copy = (ObjectNode) absoluteRefs(schema.deepCopy());
            copy.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
            return registry.getSchema(SchemaLocation.of("urn:syncd:schema:" + Integer.toHexString(k.hashCode())), copy);
        });
        List<String> errors = new ArrayList<>();
        for (Error error : compiledSchema.validate(instance)) {
            errors.add(error.toString());
        }
        return errors;
    }

    /** Rewrites {@code "$ref":"#/…"} to the document's absolute location, so a schema copied out of it still resolves. */
    private static JsonNode absoluteRefs(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isString() && ref.stringValue().startsWith("#")) {
                object.put("$ref", BASE + ref.stringValue());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
                absoluteRefs(it.next().getValue());
            }
        } else if (node.isArray()) {
            node.forEach(OpenApiDocument::absoluteRefs);
        }
        return node;
    }
}

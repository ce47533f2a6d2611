package io.syncd.edge.web;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.syncd.common.Limits;
import io.syncd.edge.errors.ApiException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Parses request bodies strictly: malformed JSON and duplicate keys are 400 {@code invalid_request} with the place.
 *
 * <p>The arrays that are fields of a {@code data} object (a JSON device's handwriting strokes) are checked to be
 * well-formed JSON but kept as their raw text, not built into trees: a push of 50 changes carries ~120 KB of stroke
 * numbers, which the ink encoder then reads once as text. {@code RecordRules.isArray} tells such a field from any other.
 *
 * <p>Whoever sends a body controls its shape, so the parser is bounded: nesting, string, name and number lengths by
 * Jackson's read constraints, and the tree by a budget of {@link #MAX_VALUES} values. A body of small empty objects
 * would otherwise make a tree many times its size in memory (64 MB of {@code {},} is ~22 million nodes) before any
 * rule could refuse it. The largest valid request, a push of 1000 changes, builds ~20,000.
 */
public final class JsonBody {
    /** Most JSON values (objects, arrays, scalars; raw data arrays count once) one document may build. */
    public static final int MAX_VALUES = 100_000;
    // A string (an ink device's strokes_ink) somewhat over the data limit still parses, so that it is refused as 413
    // naming its field rather than as malformed JSON. Jackson checks the size of its growing text buffer, up to twice
    // the string's, hence four times the limit.
    private static final StreamReadConstraints BOUNDS = StreamReadConstraints.builder()
            .maxNestingDepth(Limits.MAX_JSON_DEPTH)
            .maxStringLength(4 * Limits.MAX_DATA_BYTES)
            .maxNameLength(1_000)
            .maxNumberLength(Limits.MAX_JSON_NUMBER_LENGTH)
            .build();
    private static final JsonMapper STRICT = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(BOUNDS).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonBody() {
    }

    /** The body as a tree; a missing or malformed body is 400 {@code invalid_request}. */
    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.invalid("", "request body is missing");
        }
        try {
            return read(body);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.invalid("", "malformed JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    /**
     * For a call that takes no fields: no body, or an empty JSON object. Anything else is 400, as an unknown field is
     * everywhere.
     */
    public static void expectNoFields(byte[] body) {
        if (body == null || body.length == 0) {
            return;
        }
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(parse(body), "", violations);
        if (request != null) {
            request.allowOnly(Set.of());
        }
        violations.throwIfAny();
    }

    /** The document as a tree (data arrays raw, see above); throws when it is not exactly one JSON value. */
    public static JsonNode read(byte[] document) {
        try (JsonParser parser = STRICT.createParser(document)) {
            if (parser.nextToken() == null) {
                throw new StreamReadException(parser, "no JSON value");
            }
            JsonNode value = new Tree(parser, document).value();
            if (parser.nextToken() != null) {
                throw new StreamReadException(parser, "trailing content after the JSON value");
            }
            return value;
        }
    }

    /** One document's tree being built, with the count of values against {@link #MAX_VALUES}. */
    private static final class Tree {
        private final JsonParser parser;
        private final byte[] document;
        private int values;

        Tree(JsonParser parser, byte[] document) {
            this.parser = parser;
            this.document = document;
        }

        private void count() {
            if (++values > MAX_VALUES) {
                throw new StreamConstraintsException("the document has more than " + MAX_VALUES + " JSON values");
            }
        }

        /** The object at the parser's '{'; in a data object ({@code dataFields}) array fields are kept as their text. */
        ObjectNode object(boolean dataFields) {
            count();
            ObjectNode object = NODES.objectNode();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken first = parser.nextToken();
                JsonNode value;
                if (dataFields && first == JsonToken.START_ARRAY) {
                    count();
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren(); // tokenizes, so a malformed array fails here
                    int end = (int) parser.currentLocation().getByteOffset();
                    value = NODES.rawValueNode(new RawValue(new String(document, start, end - start, StandardCharsets.UTF_8)));
                } else if (first == JsonToken.START_OBJECT) {
                    value = object(name.equals("data"));
                } else {
                    value = value();
                }
                object.set(name, value);
            }
            return object;
        }

        /** The value at the parser's current token. */
        JsonNode value() {
            JsonToken token = parser.currentToken();
            if (token != JsonToken.START_OBJECT) {
                count(); // objects count themselves: object() is also entered directly
            }
            switch (token) {
                case START_OBJECT -> {
                    return object(false);
                }
                case START_ARRAY -> {
                    ArrayNode array = NODES.arrayNode();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        array.add(value());
                    }
                    return array;
                }
                case VALUE_STRING -> {
                    return NODES.stringNode(parser.getString());
                }
                case VALUE_NUMBER_INT -> {
                    return switch (parser.getNumberType()) {
                        case INT -> NODES.numberNode(parser.getIntValue());
                        case LONG -> NODES.numberNode(parser.getLongValue());
                        default -> NODES.numberNode(parser.getBigIntegerValue());
                    };
                }
                case VALUE_NUMBER_FLOAT -> {
                    return NODES.numberNode(parser.getDoubleValue());
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
                }
                case VALUE_NULL -> {
                    return NODES.nullNode();
                }
                default -> throw new StreamReadException(parser, "unexpected " + token);
            }
        }
    }
}

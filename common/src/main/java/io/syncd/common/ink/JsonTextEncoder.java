package io.syncd.common.ink;

import io.syncd.common.Limits;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Encodes JSON text with a streaming parser: a stroke set straight from its tokens, without a tree; anything else
 * through a tree whose numbers are exact (the text's digits, never a double).
 */
final class JsonTextEncoder {
    /** The bounds of v1's request parser (edge's JsonBody): text it accepts is accepted here, and no other. */
    private static final StreamReadConstraints BOUNDS = StreamReadConstraints.builder()
            .maxNestingDepth(Limits.MAX_JSON_DEPTH)
            .maxStringLength(Limits.MAX_DATA_BYTES)
            .maxNameLength(1_000)
            .maxNumberLength(Limits.MAX_JSON_NUMBER_LENGTH)
            .build();
    private static final JsonMapper PARSER = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(BOUNDS).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTextEncoder() {
    }

    static byte[] encode(byte[] json) {
        try {
            byte[] compact = strokes(json);
            return compact != null ? compact : InkEncoder.general(tree(json, Limits.MAX_JSON_DEPTH));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("strokes are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The stroke set form, or null when the text is a JSON array of another shape. */
    private static byte[] strokes(byte[] json) {
        try (JsonParser parser = PARSER.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("strokes must be a JSON array");
            }
            StrokeSetEncoder strokes = new StrokeSetEncoder(json.length / 4 + 16);
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_ARRAY) {
                strokes.startStroke();
                while ((token = parser.nextToken()) == JsonToken.START_ARRAY) {
                    strokes.startPoint();
                    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                        if (!value(parser, token, strokes)) {
                            return null;
                        }
                    }
                    if (!strokes.endPoint()) {
                        return null;
                    }
                }
                if (token != JsonToken.END_ARRAY) {
                    return null;
                }
                strokes.endStroke();
            }
            if (token != JsonToken.END_ARRAY) {
                return null;
            }
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("strokes are not JSON: content after the array");
            }
            return strokes.finish();
        }
    }

    private static boolean value(JsonParser parser, JsonToken token, StrokeSetEncoder strokes) {
        if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return strokes.value(parser.getLongValue(), 0);
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return strokes.value(InkNumber.ofText(parser.getString()));
        }
        return false;
    }

    /**
     * The text as a tree with exact numbers: whole ones as int, long or big integer nodes, others as decimal nodes,
     * and a number no decimal of v1's length holds as a raw value node of its text.
     */
    static JsonNode tree(byte[] json, int maxDepth) {
        try (JsonParser parser = PARSER.createParser(json)) {
            JsonNode value = node(parser, parser.nextToken(), 1, maxDepth);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("strokes are not JSON: content after the value");
            }
            return value;
        }
    }

    private static JsonNode node(JsonParser parser, JsonToken token, int depth, int maxDepth) {
        if (token == null) {
            throw new IllegalArgumentException("strokes are not JSON: no value");
        }
        if ((token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) && depth > maxDepth) {
            throw new IllegalArgumentException("strokes nested deeper than " + InkFormat.MAX_DEPTH + " levels");
        }
        return switch (token) {
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    array.add(node(parser, next, depth + 1, maxDepth));
                }
                yield array;
            }
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    object.set(name, node(parser, parser.nextToken(), depth + 1, maxDepth));
                }
                yield object;
            }
            case VALUE_STRING -> NODES.stringNode(parser.getString());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> {
                InkNumber number = InkNumber.ofText(parser.getString());
                if (number instanceof InkNumber.Text text) {
                    yield NODES.rawValueNode(new RawValue(text.text()));
                }
                yield number instanceof InkNumber.Exact exact ? NODES.numberNode(exact.value())
                        : NODES.numberNode(((InkNumber.Whole) number).value());
            }
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IllegalArgumentException("strokes are not JSON: unexpected " + token);
        };
    }
}

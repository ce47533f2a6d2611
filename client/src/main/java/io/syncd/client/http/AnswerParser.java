package io.syncd.client.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import io.syncd.common.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a JSON answer of the server (a pull page, a push's results) into a tree with Jackson's streaming parser.
 * Strokes arrive as one {@code strokes_ink} string each, so nothing here needs to skip tokenizing them.
 *
 * <p>Read strictly: anything but one well-formed JSON value (a duplicate field, an unpaired surrogate, trailing
 * content included) throws {@link MalformedAnswerException} with the byte offset. Numbers with a fraction or an
 * exponent are kept as exact decimals, so strokes a server sends as JSON encode to ink without rounding.
 */
public final class AnswerParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonParser parser;

    private AnswerParser(JsonParser parser) {
        this.parser = parser;
    }

    /** Reads one JSON value, the whole of {@code in} (which it does not close). */
    public static JsonNode read(InputStream in) {
        try (JsonParser parser = Json.MAPPER.createParser(in)) {
            AnswerParser reader = new AnswerParser(parser);
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw reader.malformed("unexpected end of input");
            }
            JsonNode value = reader.value(first);
            if (parser.nextToken() != null) {
                throw reader.malformed("trailing content after the JSON value");
            }
            return value;
        } catch (JacksonException e) {
            throw new MalformedAnswerException("malformed JSON at byte " + offset(e.getLocation()) + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Reads one JSON value, the whole of {@code bytes}. */
    public static JsonNode read(byte[] bytes) {
        return read(new ByteArrayInputStream(bytes));
    }

    private JsonNode value(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> object();
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(value(next));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.stringNode(checkedString());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw malformed("unexpected " + token);
        };
    }

    private ObjectNode object() {
        ObjectNode object = NODES.objectNode();
        for (JsonToken next = parser.nextToken(); next == JsonToken.PROPERTY_NAME; next = parser.nextToken()) {
            String name = parser.currentName();
            checkSurrogates(name);
            if (object.has(name)) {
                throw malformed("duplicate field " + name);
            }
            object.set(name, value(parser.nextToken()));
        }
        return object;
    }

    /** The string, refused when an escape left half a surrogate pair (no UTF-8 writer can write it back). */
    private String checkedString() {
        String text = parser.getString();
        checkSurrogates(text);
        return text;
    }

    private void checkSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw malformed("unpaired surrogate in a string");
            }
        }
    }

    private MalformedAnswerException malformed(String what) {
        return new MalformedAnswerException("malformed JSON at byte " + offset(parser.currentLocation()) + ": " + what,
                null);
    }

    private static long offset(TokenStreamLocation location) {
        return location == null ? -1 : Math.max(location.getByteOffset(), 0);
    }
}

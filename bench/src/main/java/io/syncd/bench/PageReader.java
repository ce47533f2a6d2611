package io.syncd.bench;

import java.io.InputStream;

import io.syncd.common.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads a pull page as it arrives with Jackson's streaming parser, as a device that keeps each record's data as it
 * came (v1's SDK kept strokes as their text): every token is scanned, none is built into a tree. A JSON device's
 * strokes are thousands of number tokens here, an ink device's one string.
 */
final class PageReader {
    /** What the bench needs of a page: how many changes it held, the cursor after it, whether more follow. */
    record Page(int changes, String cursor, boolean hasMore) {
    }

    private PageReader() {
    }

    /** Reads one page, the whole of {@code in} (which it does not close); a malformed page stops the bench. */
    static Page read(InputStream in) {
        int changes = -1;
        String cursor = null;
        Boolean hasMore = null;
        try (JsonParser parser = Json.MAPPER.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("a pull page is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "changes" -> changes = readChanges(parser, token);
                    case "cursor" -> cursor = token == JsonToken.VALUE_NULL ? null : parser.getString();
                    case "has_more" -> {
                        if (!token.isBoolean()) {
                            throw new IllegalStateException("a pull page's has_more is not a boolean");
                        }
                        hasMore = parser.getBooleanValue();
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw new IllegalStateException("a pull page is not JSON: " + e.getOriginalMessage(), e);
        }
        if (changes < 0 || hasMore == null) {
            throw new IllegalStateException("a pull page without changes or has_more");
        }
        return new Page(changes, cursor, hasMore);
    }

    private static int readChanges(JsonParser parser, JsonToken token) {
        if (token != JsonToken.START_ARRAY) {
            throw new IllegalStateException("a pull page's changes are not an array");
        }
        int count = 0;
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            boolean recordId = false;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                recordId |= name.equals("record_id") && value == JsonToken.VALUE_STRING;
                parser.skipChildren();
            }
            if (!recordId) {
                throw new IllegalStateException("a pulled change without record_id, change " + count);
            }
            count++;
        }
        if (!parser.hasToken(JsonToken.END_ARRAY)) {
            throw new IllegalStateException("a pull page's changes hold something other than objects");
        }
        return count;
    }
}

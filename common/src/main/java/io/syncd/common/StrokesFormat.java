package io.syncd.common;

import io.syncd.common.ink.InkCodec;
import io.syncd.common.ink.InkFormatException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The form in which a device receives strokes ({@code "strokes_format"} of pull, full, push and resolve): {@code json}
 * (the default, v1's array) or {@code ink}. Records are kept in ink; only an answer to a JSON device converts.
 */
public enum StrokesFormat {
    JSON("json"),
    INK("ink");

    private final String wireName;

    StrokesFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The format named {@code name}, or null when it names none. */
    public static StrokesFormat fromWireName(String name) {
        for (StrokesFormat format : values()) {
            if (format.wireName.equals(name)) {
                return format;
            }
        }
        return null;
    }

    /**
     * {@code data} of a record as a device of this format receives it: for JSON, {@code strokes_ink} becomes
     * {@code strokes}, the array as JSON text written as it is; for ink, unchanged. Changes {@code data} in place.
     */
    public ObjectNode present(ObjectNode data) {
        if (this == INK || data == null) {
            return data;
        }
        JsonNode ink = data.get(Field.STROKES_INK);
        if (ink == null) {
            return data;
        }
        data.remove(Field.STROKES_INK);
        if (ink.isNull()) {
            data.putNull(Field.STROKES_JSON);
            return data;
        }
        try {
            data.putRawValue(Field.STROKES_JSON, RawJson.of(InkCodec.decodeToJson(Strokes.inkBytes(ink))));
        } catch (InkFormatException e) {
            // Nothing is stored that the door did not check: a stored value that does not decode is a bug, loud.
            throw new IllegalStateException("stored strokes are not a valid ink encoding: " + e.getMessage(), e);
        }
        return data;
    }

    /** A record envelope ({@code data} inside, or null) as a device of this format receives it; changed in place. */
    public JsonNode presentEnvelope(JsonNode envelope) {
        if (this == JSON && envelope != null && envelope.get("data") instanceof ObjectNode data) {
            present(data);
        }
        return envelope;
    }
}

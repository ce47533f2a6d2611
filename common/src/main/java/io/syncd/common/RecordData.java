package io.syncd.common;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Converts a record's {@code data} between its wire form (a normalized JSON object with every field present)
 * and its table's columns. The gateway normalizes, the applier writes columns, pulls read them back: one mapping.
 */
public final class RecordData {
    private RecordData() {
    }

    /**
     * Reads normalized data (as the gateway wrote it) into the wire form; strokes are one base64 string. A v1 event's
     * strokes array (written before strokes were kept compact) is read as raw text and converted by the caller.
     */
    public static ObjectNode parse(SyncTable table, String normalized) {
        try (JsonParser parser = Json.MAPPER.createParser(normalized)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(table.wireName() + " data is not a JSON object");
            }
            return readObject(parser, (start, end) ->
                    normalized.substring((int) start.getCharOffset(), (int) end.getCharOffset()));
        }
    }

    /**
     * {@link #parse} of the data object at the parser's current {@code START_OBJECT}, read from {@code source}
     * bytes (a change event's), so the event and its data are tokenized once; leaves the parser at its end.
     */
    public static ObjectNode read(JsonParser parser, byte[] source) {
        return readObject(parser, (start, end) -> new String(source, (int) start.getByteOffset(),
                (int) (end.getByteOffset() - start.getByteOffset()), StandardCharsets.UTF_8));
    }

    /** Cuts the raw text of a value from the source, between two parser locations. */
    private interface RawText {
        String between(TokenStreamLocation start, TokenStreamLocation end);
    }

    private static ObjectNode readObject(JsonParser parser, RawText raw) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
                TokenStreamLocation start = parser.currentTokenLocation();
                parser.skipChildren();
                data.putRawValue(name, new RawValue(raw.between(start, parser.currentLocation())));
            } else {
                switch (token) {
                    case VALUE_STRING -> data.put(name, parser.getString());
                    case VALUE_TRUE, VALUE_FALSE -> data.put(name, token == JsonToken.VALUE_TRUE);
                    case VALUE_NUMBER_INT -> data.put(name, parser.getLongValue());
                    case VALUE_NULL -> data.putNull(name);
                    default -> throw new IllegalArgumentException("data." + name + " is a " + token);
                }
            }
        }
        return data;
    }

    /** The column values as SQL text literals (null = SQL NULL), in {@link SyncTable#fields()} order. */
    public static String[] toColumnText(SyncTable table, JsonNode data) {
        List<Field> fields = table.fields();
        String[] values = new String[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            JsonNode value = data.get(field.name());
            if (value == null || value.isNull()) {
                values[i] = field.defaultValue() == null ? null : field.defaultValue().toString();
            } else if (field.type() == FieldType.INK) {
                values[i] = Strokes.inkText(value);
            } else if (value.isString()) {
                values[i] = value.stringValue();
            } else {
                values[i] = value.toString();
            }
        }
        return values;
    }

    /** Reads the table's data columns of the current row into the wire form. */
    public static ObjectNode fromRow(SyncTable table, ResultSet rs) throws SQLException {
        ObjectNode data = Json.MAPPER.createObjectNode();
        for (Field field : table.fields()) {
            String name = field.name();
            switch (field.type()) {
                case TEXT -> data.put(name, rs.getString(name));
                case BOOL -> data.put(name, rs.getBoolean(name));
                case UUID -> {
                    UUID id = rs.getObject(name, UUID.class);
                    data.put(name, id == null ? null : id.toString());
                }
                case TIMESTAMP -> {
                    OffsetDateTime time = rs.getObject(name, OffsetDateTime.class);
                    data.put(name, time == null ? null : Timestamps.format(time.toInstant()));
                }
                case DATE -> {
                    LocalDate date = rs.getObject(name, LocalDate.class);
                    data.put(name, date == null ? null : date.toString());
                }
                case INT -> data.put(name, rs.getInt(name));
                // Checked at the door; an ink device's pull writes the bytes as base64, a JSON device's decodes them.
                case INK -> data.put(name, rs.getBytes(name));
            }
        }
        return data;
    }

    /** The wire form of a timestamp: RFC 3339 in UTC, as {@link Instant#toString()} writes it. */
    public static String timestamp(Instant instant) {
        return instant == null ? null : Timestamps.format(instant);
    }
}

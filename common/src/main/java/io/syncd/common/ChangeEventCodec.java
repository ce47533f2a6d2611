package io.syncd.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.node.ObjectNode;

/**
 * The change event's bytes on Kafka: one JSON object with snake_case fields and {@code data} embedded as JSON.
 * {@code data} is normalized by the gateway and passed through as raw text from then on: handwriting strokes are
 * never parsed again. Decoding is strict, so a record that is not exactly an event is a poison record, never a guess.
 */
public final class ChangeEventCodec {
    private ChangeEventCodec() {
    }

    public static byte[] encode(ChangeEvent e) {
        // Room for the envelope (~330 bytes with every field) and data as ASCII, so that the buffer does not grow.
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + (e.data() == null ? 0 : e.data().length()));
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("change_id", e.changeId().toString());
            g.writeStringProperty("account_id", e.accountId().toString());
            g.writeStringProperty("device_id", e.deviceId().toString());
            g.writeStringProperty("table", e.table().wireName());
            g.writeStringProperty("op", e.op().wireName());
            g.writeStringProperty("record_id", e.recordId().toString());
            g.writeNumberProperty("base_version", e.baseVersion());
            if (e.data() != null) {
                g.writeName("data");
                g.writeRawValue(e.data());
            }
            g.writeStringProperty("received_at", Timestamps.format(e.receivedAt()));
            if (!e.after().isEmpty()) {
                g.writeName("after");
                g.writeStartObject();
                for (Map.Entry<SyncTable, Long> entry : e.after().entrySet()) {
                    g.writeNumberProperty(entry.getKey().wireName(), entry.getValue());
                }
                g.writeEndObject();
            }
            if (e.rejection() != null) {
                g.writeStringProperty("rejection", e.rejection());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Decodes one record value; throws {@link UndecodableChangeException} saying why when it is not an event. */
    public static ChangeEvent decode(byte[] bytes) {
        return read(bytes).event();
    }

    /** {@link #decode}, with the event's data also read into the wire form in the same pass. */
    public static DecodedChange read(byte[] bytes) {
        if (bytes == null) {
            throw new UndecodableChangeException("record has no value");
        }
        Fields f = new Fields();
        try (JsonParser parser = Json.MAPPER.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new UndecodableChangeException("value is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "base_version" -> {
                        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                                && parser.getNumberType() != JsonParser.NumberType.LONG) {
                            throw new UndecodableChangeException("base_version is not a 64-bit integer");
                        }
                        f.baseVersion = parser.getLongValue();
                    }
                    case "after" -> {
                        if (token != JsonToken.START_OBJECT) {
                            throw new UndecodableChangeException("after is not a JSON object");
                        }
                        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                            String tableName = parser.currentName();
                            SyncTable ancestor = SyncTable.fromWireName(tableName)
                                    .orElseThrow(() -> new UndecodableChangeException("after names an unknown table " + tableName));
                            if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT || parser.getLongValue() < 0) {
                                throw new UndecodableChangeException("after." + tableName + " is not an offset");
                            }
                            f.after.put(ancestor, parser.getLongValue());
                        }
                    }
                    case "data" -> {
                        if (token == JsonToken.START_OBJECT) {
                            int start = (int) parser.currentTokenLocation().getByteOffset();
                            try {
                                f.parsed = RecordData.read(parser, bytes);
                            } catch (IllegalArgumentException e) {
                                throw new UndecodableChangeException(e.getMessage());
                            }
                            int end = (int) parser.currentLocation().getByteOffset();
                            f.data = new String(bytes, start, end - start, StandardCharsets.UTF_8);
                        } else if (token != JsonToken.VALUE_NULL) {
                            throw new UndecodableChangeException("data is not a JSON object");
                        }
                    }
                    default -> {
                        if (token != JsonToken.VALUE_STRING) {
                            throw new UndecodableChangeException(name + " is not a string");
                        }
                        f.put(name, parser.getString());
                    }
                }
            }
            if (parser.nextToken() != null) {
                throw new UndecodableChangeException("trailing content after the event");
            }
        } catch (JacksonException e) {
            throw new UndecodableChangeException("value is not JSON: " + e.getOriginalMessage());
        }
        return DecodedChange.upgraded(f.event(), f.parsed);
    }

    /** The fields of one event as read, checked when the event is built. */
    private static final class Fields {
        private String changeId;
        private String accountId;
        private String deviceId;
        private String table;
        private String op;
        private String recordId;
        private String receivedAt;
        private String rejection;
        private Long baseVersion;
        private String data;
        private ObjectNode parsed;
        private final Map<SyncTable, Long> after = new EnumMap<>(SyncTable.class);

        void put(String name, String value) {
            switch (name) {
                case "change_id" -> changeId = value;
                case "account_id" -> accountId = value;
                case "device_id" -> deviceId = value;
                case "table" -> table = value;
                case "op" -> op = value;
                case "record_id" -> recordId = value;
                case "received_at" -> receivedAt = value;
                case "rejection" -> rejection = value;
                default -> throw new UndecodableChangeException("unknown field " + name);
            }
        }

        ChangeEvent event() {
            SyncTable t = SyncTable.fromWireName(required("table", table))
                    .orElseThrow(() -> new UndecodableChangeException("unknown table " + table));
            ChangeOp o = ChangeOp.fromWireName(required("op", op))
                    .orElseThrow(() -> new UndecodableChangeException("unknown op " + op));
            if (baseVersion == null || baseVersion < 0) {
                throw new UndecodableChangeException("base_version is missing or negative");
            }
            if (o == ChangeOp.UPSERT && data == null) {
                throw new UndecodableChangeException("upsert without a data object");
            }
            if (rejection != null && !(rejection.equals(ChangeResult.IMMUTABLE_FIELD) && o == ChangeOp.UPSERT)) {
                throw new UndecodableChangeException("rejection " + rejection + " is not a gateway's rejection of an upsert");
            }
            try {
                return new ChangeEvent(uuid("change_id", changeId), uuid("account_id", accountId),
                        uuid("device_id", deviceId), t, o, uuid("record_id", recordId), baseVersion, data,
                        Timestamps.parse(required("received_at", receivedAt)), after, rejection);
            } catch (DateTimeException e) {
                throw new UndecodableChangeException("received_at is not an RFC 3339 instant");
            }
        }

        private static String required(String name, String value) {
            if (value == null) {
                throw new UndecodableChangeException(name + " is missing");
            }
            return value;
        }

        private static UUID uuid(String name, String value) {
            try {
                return UUID.fromString(required(name, value));
            } catch (IllegalArgumentException e) {
                throw new UndecodableChangeException(name + " is not a UUID");
            }
        }
    }
}

package io.syncd.common;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.node.ObjectNode;

/**
 * The change event's bytes on Kafka: one JSON object with snake_case fields and {@code data} embedded as JSON.
 * {@code data} is normalized by the gateway and passed through as raw text from then on: handwriting strokes are
 * never parsed again. Decoding is strict, so a record that is not exactly an event is a poison record, never a guess.
 */
public final class ChangeEventCodec {
    /** The envelope's longest form without data: every field, a full {@code after} and a rejection code. */
    private static final int ENVELOPE_BYTES = 512;

    private ChangeEventCodec() {
    }

    /**
     * The event's bytes, written directly: every envelope value is ASCII that needs no escaping (UUIDs, the wire
     * names, a timestamp, a rejection code), and {@code data} is JSON text already. A push encodes 50 to 1000 of these
     * on the request's thread, where a JSON generator's setup cost more than the writing.
     */
    public static byte[] encode(ChangeEvent e) {
        byte[] data = e.data() == null ? null : e.data().getBytes(StandardCharsets.UTF_8);
        Envelope out = new Envelope(ENVELOPE_BYTES + (data == null ? 0 : data.length));
        out.ascii("{\"change_id\":").uuid(e.changeId());
        out.ascii(",\"account_id\":").uuid(e.accountId());
        out.ascii(",\"device_id\":").uuid(e.deviceId());
        out.ascii(",\"table\":").string(e.table().wireName());
        out.ascii(",\"op\":").string(e.op().wireName());
        out.ascii(",\"record_id\":").uuid(e.recordId());
        out.ascii(",\"base_version\":").ascii(Long.toString(e.baseVersion()));
        if (data != null) {
            out.ascii(",\"data\":").bytes(data);
        }
        out.ascii(",\"received_at\":").string(Timestamps.format(e.receivedAt()));
        if (!e.after().isEmpty()) {
            out.ascii(",\"after\":{");
            boolean first = true;
            for (Map.Entry<SyncTable, Long> entry : new EnumMap<>(e.after()).entrySet()) {
                out.ascii(first ? "" : ",").string(entry.getKey().wireName()).ascii(":").ascii(entry.getValue().toString());
                first = false;
            }
            out.ascii("}");
        }
        if (e.rejection() != null) {
            out.ascii(",\"rejection\":").string(e.rejection());
        }
        return out.ascii("}").toByteArray();
    }

    /** A growing byte array of an event's envelope: ASCII pieces, quoted plain strings, UUIDs and the raw data. */
    private static final class Envelope {
        private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        private byte[] bytes;
        private int size;

        Envelope(int capacity) {
            bytes = new byte[capacity];
        }

        Envelope ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                bytes[size++] = (byte) text.charAt(i);
            }
            return this;
        }

        /** A JSON string of characters that need no escaping: the envelope's codes and timestamps. */
        Envelope string(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                    throw new IllegalArgumentException("not an envelope value: " + text);
                }
            }
            ensure(2);
            bytes[size++] = '"';
            ascii(text);
            bytes[size++] = '"';
            return this;
        }

        /** The UUID in its canonical form (what {@link UUID#toString()} writes), quoted. */
        Envelope uuid(UUID id) {
            ensure(38);
            bytes[size++] = '"';
            hex(id.getMostSignificantBits() >>> 32, 8);
            bytes[size++] = '-';
            hex(id.getMostSignificantBits() >>> 16, 4);
            bytes[size++] = '-';
            hex(id.getMostSignificantBits(), 4);
            bytes[size++] = '-';
            hex(id.getLeastSignificantBits() >>> 48, 4);
            bytes[size++] = '-';
            hex(id.getLeastSignificantBits(), 12);
            bytes[size++] = '"';
            return this;
        }

        /** The low {@code digits} hex digits of {@code value}, most significant first. */
        private void hex(long value, int digits) {
            for (int i = digits - 1; i >= 0; i--) {
                bytes[size + i] = HEX[(int) (value & 0xF)];
                value >>>= 4;
            }
            size += digits;
        }

        Envelope bytes(byte[] source) {
            ensure(source.length);
            System.arraycopy(source, 0, bytes, size, source.length);
            size += source.length;
            return this;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
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

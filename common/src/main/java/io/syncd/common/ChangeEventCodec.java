package io.syncd.common;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The change event's bytes on Kafka: one JSON object with snake_case fields and {@code data} embedded as JSON.
 * Decoding is strict, so a record that is not exactly an event is a poison record, never a guess.
 */
public final class ChangeEventCodec {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ChangeEventCodec() {
    }

    public static byte[] encode(ChangeEvent e) {
        ObjectNode node = JSON.createObjectNode();
        node.put("change_id", e.changeId().toString());
        node.put("account_id", e.accountId().toString());
        node.put("device_id", e.deviceId().toString());
        node.put("table", e.table().wireName());
        node.put("op", e.op().wireName());
        node.put("record_id", e.recordId().toString());
        node.put("base_version", e.baseVersion());
        if (e.data() != null) {
            node.set("data", JSON.readTree(e.data()));
        }
        node.put("received_at", e.receivedAt().toString());
        return JSON.writeValueAsBytes(node);
    }

    /** Decodes one record value; throws {@link UndecodableChangeException} saying why when it is not an event. */
    public static ChangeEvent decode(byte[] bytes) {
        if (bytes == null) {
            throw new UndecodableChangeException("record has no value");
        }
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new UndecodableChangeException("value is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new UndecodableChangeException("value is not a JSON object");
        }
        SyncTable table = SyncTable.fromWireName(text(node, "table"))
                .orElseThrow(() -> new UndecodableChangeException("unknown table " + node.get("table")));
        ChangeOp op = ChangeOp.fromWireName(text(node, "op"))
                .orElseThrow(() -> new UndecodableChangeException("unknown op " + node.get("op")));
        JsonNode base = node.get("base_version");
        if (base == null || !base.isIntegralNumber() || !base.canConvertToLong() || base.longValue() < 0) {
            throw new UndecodableChangeException("base_version is not a non-negative 64-bit integer");
        }
        JsonNode data = node.get("data");
        if (op == ChangeOp.UPSERT && (data == null || !data.isObject())) {
            throw new UndecodableChangeException("upsert without a data object");
        }
        try {
            return new ChangeEvent(uuid(node, "change_id"), uuid(node, "account_id"), uuid(node, "device_id"),
                    table, op, uuid(node, "record_id"), base.longValue(),
                    data == null || data.isNull() ? null : JSON.writeValueAsString(data),
                    Instant.parse(text(node, "received_at")));
        } catch (DateTimeParseException e) {
            throw new UndecodableChangeException("received_at is not an RFC 3339 instant");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new UndecodableChangeException(field + " is missing or not a string");
        }
        return value.stringValue();
    }

    private static UUID uuid(JsonNode node, String field) {
        try {
            return UUID.fromString(text(node, field));
        } catch (IllegalArgumentException e) {
            throw new UndecodableChangeException(field + " is not a UUID");
        }
    }
}

package io.syncd.common;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One sync request a device made, as the gateway reports it on {@link Topics#TRAFFIC} (key = account id) for the
 * statistics: how many pushes and pulls it was (a full sync is both) and its bytes on the wire.
 *
 * @param bytesIn the request body as received (compressed if it was sent compressed)
 * @param bytesOut the response body as sent
 */
public record TrafficEvent(UUID accountId, UUID deviceId, int pushes, int pulls, long bytesIn, long bytesOut,
                           Instant at) {

    public byte[] encode() {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("account_id", accountId.toString())
                .put("device_id", deviceId.toString())
                .put("pushes", pushes)
                .put("pulls", pulls)
                .put("bytes_in", bytesIn)
                .put("bytes_out", bytesOut)
                .put("at", at.toString());
        return Json.MAPPER.writeValueAsBytes(node);
    }

    /** Decodes one record value; throws {@link IllegalArgumentException} saying why when it is not a traffic event. */
    public static TrafficEvent decode(byte[] bytes) {
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            return new TrafficEvent(UUID.fromString(text(node, "account_id")), UUID.fromString(text(node, "device_id")),
                    number(node, "pushes").intValue(), number(node, "pulls").intValue(),
                    number(node, "bytes_in").longValue(), number(node, "bytes_out").longValue(),
                    Instant.parse(text(node, "at")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a traffic event: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException(field + " is missing or not a string");
        }
        return value.stringValue();
    }

    private static JsonNode number(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " is missing or not an integer");
        }
        return value;
    }
}

package io.syncd.common;

import java.util.Base64;

import io.syncd.common.ink.InkCodec;
import io.syncd.common.ink.InkFormatException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rules of a record's strokes at the door (PROTOCOL.md, "Ink encoding (strokes_ink)"): exactly one of
 * {@code strokes} (a JSON array, encoded here once) or {@code strokes_ink} (base64 of the ink bytes, checked by
 * decoding it once); either way the normalized data holds {@code strokes_ink} only, as it is kept everywhere inside.
 */
public final class Strokes {
    private Strokes() {
    }

    /** Whether {@code table}'s records hold strokes (notes and schedule drawings). */
    public static boolean isInkTable(SyncTable table) {
        return table.fieldNames().contains(Field.STROKES_INK);
    }

    /**
     * Normalizes the strokes of {@code data} into {@code out} (null: only checks them); false with a violation under
     * {@code path} if invalid.
     */
    static boolean normalize(Field field, JsonNode data, String path, ObjectNode out,
                             RecordRules.Violations violations) {
        JsonNode ink = data.get(Field.STROKES_INK);
        JsonNode json = data.get(Field.STROKES_JSON);
        boolean hasInk = ink != null && !ink.isNull();
        boolean hasJson = json != null && !json.isNull();
        String inkPath = path + "." + Field.STROKES_INK;
        String jsonPath = path + "." + Field.STROKES_JSON;
        if (hasInk && hasJson) {
            violations.add(inkPath, "must not be given with strokes: send one of them");
            return false;
        }
        if (!hasInk && !hasJson) {
            violations.add(jsonPath, "is required (a JSON array, or strokes_ink: its ink encoding in base64)");
            return false;
        }
        if (hasJson) {
            if (!RecordRules.isArray(json)) {
                violations.add(jsonPath, "must be a JSON array");
                return false;
            }
            try {
                byte[] encoded = InkCodec.encode(json);
                if (out != null) {
                    out.put(field.name(), encoded);
                }
                return true;
            } catch (IllegalArgumentException e) {
                violations.add(jsonPath, e.getMessage());
                return false;
            }
        }
        if (!ink.isString()) {
            violations.add(inkPath, "must be a string: the ink encoding in base64");
            return false;
        }
        try {
            InkCodec.check(InkCodec.fromBase64(ink.stringValue()), Limits.MAX_STROKES_DEPTH);
        } catch (InkFormatException e) {
            violations.add(inkPath, "is not a valid ink encoding: " + e.getMessage());
            return false;
        }
        if (out != null) {
            out.put(field.name(), ink.stringValue());
        }
        return true;
    }

    /**
     * The ink bytes of a normalized {@code strokes_ink} value: a binary node (read from a row, encoded at the door) or
     * its base64 text (read from a change event or {@code sync_log}).
     */
    public static byte[] inkBytes(JsonNode value) {
        if (value.isBinary()) {
            return value.binaryValue();
        }
        return Base64.getDecoder().decode(value.stringValue());
    }

    /** The base64 text of a normalized {@code strokes_ink} value, as {@code data} on Kafka and in PostgreSQL holds it. */
    public static String inkText(JsonNode value) {
        return value.isBinary() ? Base64.getEncoder().encodeToString(value.binaryValue()) : value.stringValue();
    }

    /**
     * A v1 change event's data (written before strokes were kept compact) with its {@code strokes} array in the ink
     * encoding, as the gateway now writes it. Data without such an array, or with one the encoding refuses, is returned
     * as it is: the record rules then refuse it, naming what is wrong.
     */
    public static ObjectNode upgradeV1(SyncTable table, ObjectNode data) {
        JsonNode strokes = data.get(Field.STROKES_JSON);
        if (!isInkTable(table) || strokes == null || !RecordRules.isArray(strokes)) {
            return data;
        }
        String ink;
        try {
            ink = InkCodec.toBase64(InkCodec.encode(strokes));
        } catch (IllegalArgumentException e) {
            return data;
        }
        ObjectNode upgraded = Json.MAPPER.createObjectNode();
        for (String name : data.propertyNames()) {
            if (name.equals(Field.STROKES_JSON)) {
                upgraded.put(Field.STROKES_INK, ink);
            } else {
                upgraded.set(name, data.get(name));
            }
        }
        return upgraded;
    }
}

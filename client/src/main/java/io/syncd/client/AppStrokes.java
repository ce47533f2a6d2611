package io.syncd.client;

import io.syncd.common.Field;
import io.syncd.common.Strokes;
import io.syncd.common.SyncTable;
import io.syncd.common.ink.InkCodec;
import io.syncd.common.ink.InkFormatException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strokes between the store and the app: the store keeps them compact ({@code strokes_ink}, the ink encoding, as the
 * server does), the app reads them as JSON ({@code strokes}), decoded when it reads a record, never kept decoded.
 */
final class AppStrokes {
    private AppStrokes() {
    }

    /** The record as the app sees it: {@code strokes} a JSON array in place of {@code strokes_ink}. */
    static LocalRecord forApp(LocalRecord record) {
        SyncTable table = SyncTable.fromWireName(record.table()).orElseThrow();
        return new LocalRecord(record.table(), record.recordId(), record.version(), record.deleted(), record.dirty(),
                forApp(table, record.data()));
    }

    /** A copy of stored data with {@code strokes_ink} decoded to {@code strokes}, in the same place; null stays null. */
    static ObjectNode forApp(SyncTable table, ObjectNode data) {
        if (data == null || !Strokes.isInkTable(table) || !data.has(Field.STROKES_INK)) {
            return data;
        }
        ObjectNode app = data.objectNode();
        for (String name : data.propertyNames()) {
            JsonNode value = data.get(name);
            if (!name.equals(Field.STROKES_INK)) {
                app.set(name, value);
            } else if (value.isNull()) {
                app.putNull(Field.STROKES_JSON);
            } else {
                app.set(Field.STROKES_JSON, decode(value));
            }
        }
        return app;
    }

    /** A decision as the app sees it: its server record's strokes as JSON. */
    static ChangeResult forApp(ChangeResult result) {
        if (result.serverRecord() == null || result.table() == null) {
            return result;
        }
        SyncTable table = SyncTable.fromWireName(result.table()).orElse(null);
        return table == null ? result : new ChangeResult(result.changeId(), result.status(), result.table(),
                result.recordId(), result.version(), envelopeForApp(table, result.serverRecord()),
                result.errorCode(), result.errorMessage());
    }

    /** A record envelope of the server ({@code data} inside) as the app sees it. */
    static ObjectNode envelopeForApp(SyncTable table, ObjectNode envelope) {
        if (envelope == null || !(envelope.get("data") instanceof ObjectNode data)) {
            return envelope;
        }
        ObjectNode app = envelope.deepCopy();
        app.set("data", forApp(table, data));
        return app;
    }

    /**
     * A record envelope of the server in the stored form: a server that ignored {@code "strokes_format":"ink"} (one
     * before ink) sends {@code strokes} as JSON, encoded here once; the envelope is changed in place.
     */
    static JsonNode stored(SyncTable table, JsonNode envelope) {
        if (envelope instanceof ObjectNode object && object.get("data") instanceof ObjectNode data
                && data.has(Field.STROKES_JSON)) {
            object.set("data", Strokes.upgradeV1(table, data));
        }
        return envelope;
    }

    private static JsonNode decode(JsonNode ink) {
        try {
            return InkCodec.decode(Strokes.inkBytes(ink));
        } catch (InkFormatException | IllegalArgumentException e) {
            // The store holds only strokes the record rules or the server checked: one that does not decode is a bug.
            throw new SyncException("stored strokes are not a valid ink encoding: " + e.getMessage(), e);
        }
    }
}

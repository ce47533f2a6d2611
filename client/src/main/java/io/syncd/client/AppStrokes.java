package io.syncd.client;

import io.syncd.common.Field;
import io.syncd.common.Limits;
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
        JsonNode ink = data.get(Field.STROKES_INK);
        return renamed(data, Field.STROKES_INK, Field.STROKES_JSON, ink.isNull() ? ink : decode(ink));
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
     * before ink) sends {@code strokes} as JSON, encoded here once; the envelope is changed in place. Ink that does
     * not decode is refused with a {@link SyncException} before anything of it is stored.
     */
    static JsonNode stored(SyncTable table, JsonNode envelope) {
        if (!(envelope instanceof ObjectNode object) || !(object.get("data") instanceof ObjectNode data)) {
            return envelope;
        }
        String what = table.wireName() + " " + object.path("record_id").asString("");
        if (Strokes.isInkTable(table) && data.has(Field.STROKES_JSON)) {
            try {
                object.set("data", renamed(data, Field.STROKES_JSON, Field.STROKES_INK,
                        data.stringNode(InkCodec.toBase64(InkCodec.encode(data.get(Field.STROKES_JSON))))));
            } catch (IllegalArgumentException e) {
                throw new SyncException("the server sent " + what + " with strokes that are not a JSON array: "
                        + e.getMessage(), e);
            }
        }
        JsonNode ink = object.get("data").get(Field.STROKES_INK);
        if (ink != null && !ink.isNull()) {
            try {
                // Checked here, so that the app's later reads never meet strokes that do not decode.
                InkCodec.check(InkCodec.fromBase64(ink.isString() ? ink.stringValue() : ink.toString()),
                        Limits.MAX_STROKES_DEPTH);
            } catch (InkFormatException e) {
                throw new SyncException("the server sent " + what + " with strokes_ink that is not a valid ink"
                        + " encoding: " + e.getMessage(), e);
            }
        }
        return envelope;
    }

    /** A copy of {@code data} with field {@code from} replaced by {@code to} holding {@code value}, in its place. */
    private static ObjectNode renamed(ObjectNode data, String from, String to, JsonNode value) {
        ObjectNode copy = data.objectNode();
        for (String name : data.propertyNames()) {
            if (name.equals(from)) {
                copy.set(to, value);
            } else {
                copy.set(name, data.get(name));
            }
        }
        return copy;
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

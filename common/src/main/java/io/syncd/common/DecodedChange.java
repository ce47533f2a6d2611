package io.syncd.common;

import tools.jackson.databind.node.ObjectNode;

/**
 * A change event read from its bytes together with its data in the wire form ({@link RecordData#parse}), both from
 * one pass over the bytes.
 *
 * @param data null for a delete
 */
public record DecodedChange(ChangeEvent event, ObjectNode data) {

    /** An event built in memory, its data parsed from its text. */
    public static DecodedChange of(ChangeEvent event) {
        return upgraded(event, event.data() == null ? null : RecordData.parse(event.table(), event.data()));
    }

    /**
     * The change with a v1 event's strokes array (queued before strokes were kept compact) in the ink encoding, as the
     * gateway writes them now: the applier, replay and verify then see one form whatever the event's age.
     */
    static DecodedChange upgraded(ChangeEvent event, ObjectNode data) {
        if (data == null) {
            return new DecodedChange(event, null);
        }
        ObjectNode upgraded = Strokes.upgradeV1(event.table(), data);
        if (upgraded == data) {
            return new DecodedChange(event, data);
        }
        return new DecodedChange(event.withData(Json.MAPPER.writeValueAsString(upgraded)), upgraded);
    }
}

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
        return new DecodedChange(event, event.data() == null ? null : RecordData.parse(event.table(), event.data()));
    }
}

package io.syncd.client;

import io.syncd.common.Json;
import tools.jackson.databind.node.ObjectNode;

/** Test data: the {@code data} of records of each table. */
final class Records {
    private Records() {
    }

    /** A record id as an app makes one ({@link SyncClient#newRecordId}). */
    static String newId() {
        return SyncClient.newRecordId();
    }

    static ObjectNode book(String name) {
        return Json.MAPPER.createObjectNode().put("name", name);
    }

    static ObjectNode event(String bookId, String name) {
        return Json.MAPPER.createObjectNode().put("book_id", bookId).put("name", name)
                .put("start_time", "2026-11-24T09:00:00Z");
    }

    static ObjectNode note(String eventId) {
        ObjectNode note = Json.MAPPER.createObjectNode().put("event_id", eventId);
        note.putArray("strokes").addArray().add(1).add(2).add(3);
        return note;
    }

    static ObjectNode drawing(String bookId) {
        ObjectNode drawing = Json.MAPPER.createObjectNode().put("book_id", bookId).put("date", "2026-11-24")
                .put("view_mode", 1);
        drawing.putArray("strokes").addArray().add(4).add(5);
        return drawing;
    }
}

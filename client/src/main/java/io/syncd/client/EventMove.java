package io.syncd.client;

import java.sql.SQLException;
import java.util.List;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.RecordValidator;
import io.syncd.common.SyncTable;
import io.syncd.common.TimeOrderedIds;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves an event to another book, inside the caller's transaction. An event's book is fixed at creation (PROTOCOL.md,
 * "Parents are fixed at creation"), so a move is a delete of the event and the create of a new one, with a new id and
 * the same fields, in the other book; its notes are created again under the new event.
 * <p>
 * The old notes are deleted locally without a change of their own: the server deletes them with their event (a
 * cascade), and a delete of each, decided after the event's, would be a conflict with that cascade.
 */
final class EventMove {
    private final LocalStore store;
    private final LocalEdits edits;

    EventMove(LocalStore store, LocalEdits edits) {
        this.store = store;
        this.edits = edits;
    }

    /** Returns the new event. */
    LocalRecord move(String eventId, String toBookId) throws SQLException {
        LocalRecord event = live(SyncTable.EVENTS, eventId);
        live(SyncTable.BOOKS, toBookId);
        if (toBookId.equals(event.data().path("book_id").asString())) {
            throw new IllegalArgumentException("event " + eventId + " is in book " + toBookId + " already");
        }
        List<LocalRecord> notes = store.records().listLiveChildren(SyncTable.NOTES, eventId);
        requireNoOpenIssue(SyncTable.EVENTS, eventId);
        for (LocalRecord note : notes) {
            requireNoOpenIssue(SyncTable.NOTES, note.recordId());
        }

        String newEventId = newId();
        ObjectNode moved = event.data().deepCopy().put("book_id", toBookId);
        LocalRecord created =
                edits.put(SyncTable.EVENTS, newEventId, RecordValidator.normalize(SyncTable.EVENTS, moved));
        for (LocalRecord note : notes) {
            ObjectNode copy = note.data().deepCopy().put("event_id", newEventId);
            edits.put(SyncTable.NOTES, newId(), RecordValidator.normalize(SyncTable.NOTES, copy));
            deleteWithItsEvent(note);
        }
        edits.delete(SyncTable.EVENTS, eventId);
        return created;
    }

    /** The note's unsent edits are dropped (its data lives on in the copy) and its row becomes a tombstone. */
    private void deleteWithItsEvent(LocalRecord note) throws SQLException {
        store.outbox().deleteUnsent(SyncTable.NOTES, note.recordId());
        if (note.version() == 0 && store.outbox().first(SyncTable.NOTES, note.recordId()).isEmpty()) {
            store.records().remove(SyncTable.NOTES, note.recordId()); // never on the server, never will be
            return;
        }
        store.records().writeLocal(SyncTable.NOTES, note.recordId(), null);
        store.records().refreshDirty(SyncTable.NOTES, note.recordId());
    }

    private LocalRecord live(SyncTable table, String recordId) throws SQLException {
        return store.records().find(table, recordId).filter(r -> !r.deleted()).orElseThrow(() ->
                new RecordNotFoundException("no live " + table.wireName() + " record " + recordId + " here"));
    }

    private void requireNoOpenIssue(SyncTable table, String recordId) throws SQLException {
        if (store.conflicts().forRecord(table, recordId).isPresent()) {
            throw new IllegalStateException(table.wireName() + " record " + recordId + " has an open conflict or"
                    + " rejection: resolve it before moving the event");
        }
    }

    private String newId() {
        return TimeOrderedIds.next().toString();
    }
}

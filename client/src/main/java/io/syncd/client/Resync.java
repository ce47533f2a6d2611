package io.syncd.client;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.ResyncTable;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;

/**
 * Recovery from {@code cursor_reset}: the server no longer accepts the stored pull cursor (it was restored from a
 * backup, or is another database), so the device pulls everything again from the start. Its unsynced work is kept
 * as it is: dirty rows (a pulled record never overwrites one), the outbox and open conflicts and rejections. What
 * changes is the rows that were clean, because the server may have lost what they hold:
 * <ul>
 * <li>A clean row the pull returns is settled against the server's copy: the device's state is sent again (on the
 * server's version) when the server's copy is at a lower version, differs, and was not written after the device's
 * copy (the server lost later changes); otherwise the server's record is taken, whatever its version, since the
 * server's numbering holds from now on.</li>
 * <li>A clean live row the pull does not return at all is kept and sent again as a new record (base version 0): the
 * server lost it, and this device's copy may be the last one. If the server deleted it before its restore point, that
 * push meets the tombstone as a conflict, which the app decides. A clean deleted row stays deleted.</li>
 * </ul>
 * The rows awaiting the server's copy are kept in the store ({@code resync_unconfirmed}), so a resync interrupted by
 * a crash or the network goes on with the next pull. Runs inside the caller's transactions.
 */
final class Resync {
    private final LocalStore store;
    private final LocalEdits edits;
    private int gaveBack;

    Resync(LocalStore store, LocalEdits edits) {
        this.store = store;
        this.edits = edits;
    }

    /** Forgets the cursor and the held records (their versions are of the old history), awaits every clean row. */
    void start() throws SQLException {
        store.metadata().setCursor(null);
        store.held().clear();
        store.resync().addCleanRows();
    }

    boolean underWay() throws SQLException {
        return store.resync().underWay();
    }

    /** Settles a pulled record whose row was clean at the reset; false if the row was not awaited (usual rules). */
    boolean settle(SyncTable table, LocalRecord row, JsonNode record) throws SQLException {
        if (!store.resync().confirm(table, row.recordId()) || row.dirty()) {
            return false;
        }
        long version = record.get("version").longValue();
        if (version < row.version() && !sameState(row, record) && !writtenLater(table, row, record)) {
            edits.giveBack(table, row, version);
            gaveBack++;
        } else {
            store.records().writeServer(table, record);
        }
        return true;
    }

    /** At the end of the pull from the start: the clean rows it did not return. */
    void finish() throws SQLException {
        for (ResyncTable.Unconfirmed awaited : store.resync().takeRemaining()) {
            LocalRecord row = store.records().find(awaited.table(), awaited.recordId()).orElse(null);
            if (row == null || row.dirty()) {
                continue; // edited since the reset: its own change is queued
            }
            if (row.deleted()) {
                // Unknown to the server's numbering: a version from it must not look older than this one.
                store.records().setVersion(awaited.table(), awaited.recordId(), 0);
            } else {
                edits.giveBack(awaited.table(), row, 0);
                gaveBack++;
            }
        }
    }

    /** Rows queued to be sent again, in this run. */
    int gaveBack() {
        return gaveBack;
    }

    private static boolean sameState(LocalRecord row, JsonNode record) {
        boolean deleted = record.path("is_deleted").asBoolean(false);
        if (deleted || row.deleted()) {
            return deleted == row.deleted();
        }
        // Both sides hold strokes as base64 ink, canonical (the same strokes are the same bytes); written out and
        // read back, the other fields' node types (a binary or text ink, an int or long) cannot differ either.
        return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(row.data()))
                .equals(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(record.get("data"))));
    }

    /** The server's copy was written after the state this row holds: a change made since the restore. */
    private boolean writtenLater(SyncTable table, LocalRecord row, JsonNode record) throws SQLException {
        Optional<Instant> local = store.records().updatedAt(table, row.recordId());
        JsonNode theirs = record.get("updated_at");
        return local.isPresent() && theirs != null && theirs.isString()
                && OffsetDateTime.parse(theirs.asString()).toInstant().isAfter(local.get());
    }
}

package io.syncd.client;

import java.sql.SQLException;
import java.time.Clock;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OpenIssue;
import io.syncd.client.store.OutboxEntry;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import io.syncd.common.TimeOrderedIds;
import tools.jackson.databind.node.ObjectNode;

/**
 * Local writes, offline: the record's row and its outbox change change together, inside the caller's transaction.
 * <p>
 * A record has at most one unsent change: further edits fold into it (the latest data, the original base version,
 * the same change id). Once a change is sent it never changes, because the server may have decided it already; an
 * edit after that queues a second change whose base version is learnt when the first is decided.
 */
final class LocalEdits {
    static final String UPSERT = "upsert";
    static final String DELETE = "delete";

    private final LocalStore store;
    private final Clock clock;

    LocalEdits(LocalStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Writes validated, normalized data; the record becomes dirty. */
    LocalRecord put(SyncTable table, String recordId, ObjectNode data) throws SQLException {
        long version = store.records().find(table, recordId).map(LocalRecord::version).orElse(0L);
        store.records().writeLocal(table, recordId, data);
        queue(table, recordId, UPSERT, Json.MAPPER.writeValueAsString(data), version);
        store.records().refreshDirty(table, recordId);
        return store.records().find(table, recordId).orElseThrow();
    }

    /** Marks the record deleted; deleting a deleted record changes nothing. */
    LocalRecord delete(SyncTable table, String recordId) throws SQLException {
        LocalRecord row = store.records().find(table, recordId).orElseThrow(() ->
                new RecordNotFoundException("no " + table.wireName() + " record " + recordId + " in the local store"));
        if (row.deleted()) {
            return row;
        }
        store.records().writeLocal(table, recordId, null);
        queue(table, recordId, DELETE, null, row.version());
        store.records().refreshDirty(table, recordId);
        return store.records().find(table, recordId).orElseThrow();
    }

    /**
     * Queues a clean row's state to be sent again, based on the server's version ({@code 0}: the server has no such
     * record): the server lost it in a restore, and this device's copy is the one left. The row becomes dirty; its
     * data stays as it is.
     */
    void giveBack(SyncTable table, LocalRecord row, long serverVersion) throws SQLException {
        store.records().setVersion(table, row.recordId(), serverVersion);
        if (row.deleted()) {
            queue(table, row.recordId(), DELETE, null, serverVersion);
        } else {
            queue(table, row.recordId(), UPSERT, Json.MAPPER.writeValueAsString(row.data()), serverVersion);
        }
        store.records().refreshDirty(table, row.recordId());
    }

    private void queue(SyncTable table, String recordId, String op, String data, long rowVersion) throws SQLException {
        OpenIssue issue = store.conflicts().forRecord(table, recordId).orElse(null);
        if (issue != null && !issue.resolving()) {
            if (OpenIssue.CONFLICT.equals(issue.status())) {
                return; // the open conflict's local side is the row itself: this edit is what use_local will send
            }
            store.conflicts().delete(table, recordId); // a new edit supersedes a rejection and is sent afresh
        }
        OutboxEntry unsent = store.outbox().unsentEdit(table, recordId).orElse(null);
        if (unsent != null) {
            boolean onlyChange = store.outbox().first(table, recordId).map(OutboxEntry::seq).orElse(-1L) == unsent.seq();
            if (DELETE.equals(op) && onlyChange && Long.valueOf(0).equals(unsent.baseVersion())) {
                store.outbox().delete(unsent.seq()); // created here and deleted before the server saw it
            } else {
                store.outbox().coalesce(unsent.seq(), op, data);
            }
            return;
        }
        boolean behindAnother = store.outbox().first(table, recordId).isPresent();
        if (!behindAnother && DELETE.equals(op) && rowVersion == 0) {
            return; // never on the server: there is nothing to delete there
        }
        store.outbox().insert(TimeOrderedIds.next(clock.millis()).toString(), table, recordId, op, null,
                behindAnother ? null : rowVersion, data, clock.instant());
    }
}

package io.syncd.client;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.syncd.client.http.SyncApi;
import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OpenIssue;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;

/**
 * One pull: pages from the stored cursor until {@code has_more} is false. Each page and the cursor that ends it are
 * written in one SQLite transaction, so an interrupted pull resumes where the last whole page ended.
 * <p>
 * A pulled record never overwrites a dirty local row. It updates the record's open conflict (a resolution is then
 * based on it) or is held aside: when the local edit is applied at a lower version, the held record is newer and
 * becomes the row (the cursor has moved past it, so it would otherwise be lost).
 * <p>
 * A {@code cursor_reset} answer (409: the server was restored from a backup, or is another database) starts a
 * {@link Resync}: the cursor is forgotten and everything is pulled again from the start, once per run.
 */
final class PullRun {
    private static final System.Logger LOG = System.getLogger(PullRun.class.getName());
    /** The problem code of a cursor the server no longer accepts (PROTOCOL.md, Pull). */
    static final String CURSOR_RESET = "cursor_reset";

    /** Always all four tables: a cursor holds only for the table set it was issued for (PROTOCOL.md). */
    static final List<String> TABLES = Arrays.stream(SyncTable.values()).map(SyncTable::wireName).toList();

    private final LocalStore store;
    private final SyncApi api;
    private final String token;
    private final int pageSize;
    private final Clock clock;
    private final Resync resync;
    private final BookSubscriptions books;
    private final int waitMs;
    /** Records written over the local rows, page by page once committed: what {@link RemoteChanges} reports. */
    private final List<RemoteChanges.Change> applied = new ArrayList<>();
    private int pulled;
    private boolean reset;
    private boolean resyncing;

    /**
     * A pull whose first page is a long-poll: the server holds it up to {@code waitMs} while it has nothing new (0:
     * answer at once). It pulls the books {@code books} says, and drops the settled unsubscribed ones with its first
     * page.
     */
    PullRun(LocalStore store, SyncApi api, String token, int pageSize, Clock clock, LocalEdits edits,
            BookSubscriptions books, int waitMs) {
        this.waitMs = waitMs;
        this.books = books;
        this.store = store;
        this.api = api;
        this.token = token;
        this.pageSize = pageSize;
        this.clock = clock;
        this.resync = new Resync(store, edits);
    }

    SyncReport pullAll() {
        try {
            pullChain();
        } catch (ServerRejectedException e) {
            if (e.status() != 409 || !CURSOR_RESET.equals(e.code())) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "the server no longer accepts this device''s pull cursor ({0}):"
                    + " pulling everything again from the start; unsynced local edits are kept", e.getMessage());
            store.inTransaction(() -> {
                resync.start();
                return null;
            });
            reset = true;
            pullChain(); // a second cursor_reset, to a pull from the start, is thrown: nothing to recover
            if (resync.gaveBack() > 0) {
                LOG.log(System.Logger.Level.WARNING, "{0} record(s) the server no longer had are queued to be sent"
                        + " again", resync.gaveBack());
            }
        }
        return new SyncReport(0, 0, 0, 0, 0, pulled);
    }

    /** The records this run wrote into the store (not those held back behind a local edit, nor its own echoes). */
    RemoteChanges applied() {
        return new RemoteChanges(applied);
    }

    /** Rows a resync queued to be sent again (the server lost them); the caller pushes them. */
    int gaveBack() {
        return resync.gaveBack();
    }

    private void pullChain() {
        String cursor = store.inTransaction(() -> store.metadata().cursor().orElse(null));
        resyncing = reset || store.inTransaction(resync::underWay);
        // One set for the whole chain; the books it leaves out are dropped with its first cursor (BookSubscriptions).
        Set<String> pullSet = store.inTransaction(books::pullSet);
        boolean hasMore = true;
        boolean first = true;
        while (hasMore) {
            JsonNode page = api.pull(token, cursor, TABLES, pageSize, first ? waitMs : 0, pullSet);
            JsonNode changes = page.path("changes");
            String next = page.get("cursor").asString();
            hasMore = page.path("has_more").asBoolean(false);
            boolean last = !hasMore;
            boolean firstPage = first;
            first = false;
            List<RemoteChanges.Change> written = new ArrayList<>();
            store.inTransaction(() -> {
                written.clear(); // a retried transaction starts over
                if (firstPage) {
                    books.dropOutside(pullSet);
                }
                for (JsonNode record : changes) {
                    if (apply(record, pullSet)) {
                        written.add(RemoteChanges.Change.of(record));
                    }
                }
                store.metadata().setCursor(next);
                if (last) {
                    if (resyncing) {
                        resync.finish();
                    }
                    books.dropOrphanedNotes(pullSet);
                    store.metadata().setLastSyncAt(clock.instant());
                }
                return null;
            });
            if (last) {
                books.orphanedNotesChecked();
            }
            applied.addAll(written);
            pulled += changes.size();
            cursor = next;
        }
    }

    /** Applies one pulled record; true when it was written over the local row (a change the app has not seen). */
    private boolean apply(JsonNode pulled, Set<String> pullSet) throws SQLException {
        SyncTable table = SyncTable.fromWireName(pulled.get("table").asString())
                .orElseThrow(() -> new SyncException("the server sent a record of unknown table " + pulled.get("table")));
        JsonNode record = AppStrokes.stored(table, pulled);
        String recordId = record.get("record_id").asString();
        long version = record.get("version").longValue();
        JsonNode parent = table.parentField() == null ? null : record.path("data").get(table.parentField());
        if (parent != null && !books.accepts(pullSet, table, parent.asString())) {
            return false; // a record of a book this chain does not sync
        }
        LocalRecord row = store.records().find(table, recordId).orElse(null);
        if (row == null) {
            if (!record.path("is_deleted").asBoolean(false)) {
                store.records().writeServer(table, record);
                return true;
            }
            return false; // a tombstone of a record this store never had: nothing to delete
        }
        if (resyncing && resync.settle(table, row, record)) {
            // The server's copy was taken, unless the row was given back (dirty again, to be sent).
            return !store.records().find(table, recordId).map(LocalRecord::dirty).orElse(true);
        }
        // After a reset the server's versions may be lower than the row's (a restore): a dirty row's conflict and
        // held record still take the server's current copy.
        if (version <= row.version() && !(resyncing && row.dirty())) {
            return false; // this store knows this version or a newer one already (its own applied change, say)
        }
        if (!row.dirty()) {
            store.records().writeServer(table, record);
            return true;
        }
        OpenIssue issue = store.conflicts().forRecord(table, recordId).orElse(null);
        if (issue != null && OpenIssue.CONFLICT.equals(issue.status()) && !issue.resolving()) {
            if (version > issue.serverVersion() || resyncing) {
                store.conflicts().updateServerRecord(issue.changeId(), record.toString(), version);
            }
            return false;
        }
        store.held().hold(table, record);
        return false;
    }
}

package io.syncd.client;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

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
 */
final class PullRun {
    /** Always all four tables: a cursor holds only for the table set it was issued for (PROTOCOL.md). */
    static final List<String> TABLES = Arrays.stream(SyncTable.values()).map(SyncTable::wireName).toList();

    private final LocalStore store;
    private final SyncApi api;
    private final String token;
    private final int pageSize;
    private final Clock clock;

    PullRun(LocalStore store, SyncApi api, String token, int pageSize, Clock clock) {
        this.store = store;
        this.api = api;
        this.token = token;
        this.pageSize = pageSize;
        this.clock = clock;
    }

    SyncReport pullAll() {
        String cursor = store.inTransaction(() -> store.metadata().cursor().orElse(null));
        int pulled = 0;
        boolean hasMore = true;
        while (hasMore) {
            JsonNode page = api.pull(token, cursor, TABLES, pageSize);
            JsonNode changes = page.path("changes");
            String next = page.get("cursor").asString();
            hasMore = page.path("has_more").asBoolean(false);
            boolean last = !hasMore;
            store.inTransaction(() -> {
                for (JsonNode record : changes) {
                    apply(record);
                }
                store.metadata().setCursor(next);
                if (last) {
                    store.metadata().setLastSyncAt(clock.instant());
                }
                return null;
            });
            pulled += changes.size();
            cursor = next;
        }
        return new SyncReport(0, 0, 0, 0, 0, pulled);
    }

    private void apply(JsonNode record) throws SQLException {
        SyncTable table = SyncTable.fromWireName(record.get("table").asString())
                .orElseThrow(() -> new SyncException("the server sent a record of unknown table " + record.get("table")));
        String recordId = record.get("record_id").asString();
        long version = record.get("version").longValue();
        LocalRecord row = store.records().find(table, recordId).orElse(null);
        if (row == null) {
            if (!record.path("is_deleted").asBoolean(false)) {
                store.records().writeServer(table, record);
            } // a tombstone of a record this store never had: nothing to delete
            return;
        }
        if (version <= row.version()) {
            return; // this store knows this version or a newer one already (its own applied change, say)
        }
        if (!row.dirty()) {
            store.records().writeServer(table, record);
            return;
        }
        OpenIssue issue = store.conflicts().forRecord(table, recordId).orElse(null);
        if (issue != null && OpenIssue.CONFLICT.equals(issue.status()) && !issue.resolving()) {
            if (version > issue.serverVersion()) {
                store.conflicts().updateServerRecord(issue.changeId(), record.toString(), version);
            }
            return;
        }
        store.held().hold(table, record);
    }
}

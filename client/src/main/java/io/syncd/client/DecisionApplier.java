package io.syncd.client;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OpenIssue;
import io.syncd.client.store.OutboxEntry;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;

/**
 * Applies the server's decision on one sent change to the local store, inside the caller's transaction:
 * <ul>
 * <li>{@code applied}: the change leaves the outbox; the record takes the new version (a {@code use_server}
 * resolution also takes the server's record); the record's next change, if any, is now based on that version.</li>
 * <li>{@code conflict} / {@code rejected}: the record's changes leave the outbox and an open conflict or rejection
 * keeps the local edit, which stays in the row, dirty.</li>
 * <li>{@code pending}: nothing; the change stays sent, and the next sync sends it again with the same change id.</li>
 * </ul>
 */
final class DecisionApplier {
    private final LocalStore store;
    private final Clock clock;

    DecisionApplier(LocalStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Applies the decision; returns the conflict or rejection it opened, if any. */
    Optional<OpenIssue> apply(OutboxEntry entry, ChangeResult result) throws SQLException {
        return switch (result.status()) {
            case ChangeResults.APPLIED -> {
                applied(entry, result);
                yield Optional.empty();
            }
            case ChangeResults.CONFLICT -> Optional.of(conflict(entry, result.serverRecord()));
            case ChangeResults.REJECTED -> Optional.of(rejected(entry, result.errorCode(), result.errorMessage()));
            case ChangeResults.PENDING -> Optional.empty();
            default -> throw new SyncException("unknown status " + result.status() + " for change " + entry.changeId());
        };
    }

    /** The server refused the change's data itself (400): nothing was queued; it is kept as a rejection. */
    OpenIssue invalid(OutboxEntry entry, String message) throws SQLException {
        return rejected(entry, "invalid_request", message);
    }

    private void applied(OutboxEntry entry, ChangeResult result) throws SQLException {
        SyncTable table = entry.table();
        String recordId = entry.recordId();
        if (result.version() == null) {
            throw new SyncException("the server applied change " + entry.changeId() + " without a version");
        }
        long version = result.version();
        store.outbox().delete(entry.seq());
        Optional<OutboxEntry> next = store.outbox().first(table, recordId);
        if (next.isPresent() && next.get().baseVersion() == null) {
            store.outbox().setBaseVersion(next.get().seq(), version);
        }
        if (entry.resolution() != null) {
            store.conflicts().delete(table, recordId);
        }
        if (entry.resolution() == Resolution.USE_SERVER && next.isEmpty()) {
            JsonNode serverRecord = result.serverRecord();
            if (serverRecord == null) {
                store.records().remove(table, recordId); // the server never had it: the local edit is dropped
            } else {
                store.records().writeServer(table, serverRecord);
            }
        } else {
            store.records().setVersion(table, recordId, version);
        }
        Optional<JsonNode> held = store.held().find(table, recordId);
        if (held.isPresent()) {
            long heldVersion = held.get().get("version").longValue();
            if (heldVersion > version && next.isEmpty() && store.conflicts().forRecord(table, recordId).isEmpty()) {
                // Pulled while this change was undecided, and newer: it is the server's state now.
                store.records().writeServer(table, held.get());
                store.held().delete(table, recordId);
            } else if (heldVersion <= version) {
                store.held().delete(table, recordId);
            }
        }
        store.records().refreshDirty(table, recordId);
    }

    private OpenIssue conflict(OutboxEntry entry, JsonNode serverRecord) throws SQLException {
        store.outbox().deleteAll(entry.table(), entry.recordId());
        store.held().delete(entry.table(), entry.recordId()); // the conflict carries the newest server record
        OpenIssue issue = new OpenIssue(entry.changeId(), entry.table(), entry.recordId(), OpenIssue.CONFLICT,
                serverRecord == null ? null : serverRecord.toString(),
                serverRecord == null ? 0 : serverRecord.get("version").longValue(), null, null, null, clock.instant());
        store.conflicts().open(issue);
        store.records().refreshDirty(entry.table(), entry.recordId());
        return issue;
    }

    private OpenIssue rejected(OutboxEntry entry, String code, String message) throws SQLException {
        store.outbox().deleteAll(entry.table(), entry.recordId());
        long version = store.records().find(entry.table(), entry.recordId()).map(LocalRecord::version).orElse(0L);
        OpenIssue issue = new OpenIssue(entry.changeId(), entry.table(), entry.recordId(), OpenIssue.REJECTED, null,
                version, code, message, null, clock.instant());
        store.conflicts().open(issue);
        store.records().refreshDirty(entry.table(), entry.recordId());
        return issue;
    }
}

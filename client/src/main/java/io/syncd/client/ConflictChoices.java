package io.syncd.client;

import java.sql.SQLException;
import java.util.Optional;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OpenIssue;
import io.syncd.client.store.OutboxEntry;
import io.syncd.client.store.RecordValidator;
import io.syncd.common.Json;
import io.syncd.common.TimeOrderedIds;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a chosen resolution of an open conflict or rejection into an outbox change with a new change id (the
 * conflicted change keeps its decision; PROTOCOL.md). Being in the outbox, a resolution chosen offline, or whose
 * answer is lost, is sent again by the next sync and decided once.
 */
final class ConflictChoices {
    private static final System.Logger LOG = System.getLogger(ConflictChoices.class.getName());

    private final LocalStore store;
    private final SyncOptions options;

    ConflictChoices(LocalStore store, SyncOptions options) {
        this.store = store;
        this.options = options;
    }

    /** Queues the resolution and returns its outbox change, ready to send. */
    OutboxEntry choose(String changeId, Resolution resolution, JsonNode mergedData) {
        return store.inTransaction(() -> {
            OpenIssue issue = store.conflicts().byChangeId(changeId).orElseThrow(() ->
                    new RecordNotFoundException("no open conflict or rejection " + changeId));
            if (issue.resolving()) {
                Optional<OutboxEntry> earlier = store.outbox().byChangeId(issue.resolvingChangeId());
                if (earlier.isPresent() && earlier.get().sent()) {
                    throw new SyncException("a resolution of " + changeId + " was sent already; sync to learn its"
                            + " decision");
                }
                // Choosing again replaces the unsent choice, and edits queued behind it: the row holds them all.
                store.outbox().deleteAll(issue.table(), issue.recordId());
            }
            LocalRecord row = store.records().find(issue.table(), issue.recordId()).orElse(null);
            String op;
            ObjectNode data = null;
            switch (resolution) {
                case USE_SERVER -> {
                    requireNoData(mergedData, resolution);
                    op = "use_server";
                }
                case USE_LOCAL -> {
                    requireNoData(mergedData, resolution);
                    boolean deleted = row == null || row.deleted();
                    op = deleted ? LocalEdits.DELETE : LocalEdits.UPSERT;
                    data = deleted ? null : row.data();
                }
                case MERGE -> {
                    if (mergedData == null) {
                        throw new IllegalArgumentException("merge needs the merged data");
                    }
                    data = RecordValidator.normalize(issue.table(), mergedData);
                    store.records().writeLocal(issue.table(), issue.recordId(), data);
                    op = LocalEdits.UPSERT;
                }
                default -> throw new IllegalArgumentException("unknown resolution " + resolution);
            }
            String resolvingId = TimeOrderedIds.next(options.clock().millis()).toString();
            store.outbox().insert(resolvingId, issue.table(), issue.recordId(), op, resolution, issue.serverVersion(),
                    data == null ? null : Json.MAPPER.writeValueAsString(data), options.clock().instant());
            store.conflicts().setResolving(issue.changeId(), resolvingId);
            store.records().refreshDirty(issue.table(), issue.recordId());
            return store.outbox().byChangeId(resolvingId).orElseThrow();
        });
    }

    /** Asks the conflict policy about a conflict a push just opened; its choice is sent by the same push. */
    void applyPolicy(String changeId) {
        Conflict conflict = store.inTransaction(() -> store.conflicts().byChangeId(changeId).map(this::conflict))
                .orElse(null);
        if (conflict == null) {
            return;
        }
        Optional<ConflictPolicy.Decision> decision;
        try {
            decision = options.conflictPolicy().decide(conflict);
        } catch (RuntimeException e) {
            // The conflict stays open for the app: a failing policy must not lose the local edit.
            LOG.log(System.Logger.Level.WARNING, "conflict policy failed on change " + changeId + "; kept open", e);
            return;
        }
        decision.ifPresent(d -> choose(changeId, d.resolution(), d.mergedData()));
    }

    /** The app's view of an open conflict: the issue plus the record's current local data. */
    Conflict conflict(OpenIssue issue) {
        try {
            LocalRecord row = store.records().find(issue.table(), issue.recordId()).orElse(null);
            ObjectNode server = issue.serverRecord() == null ? null
                    : AppStrokes.envelopeForApp(issue.table(), (ObjectNode) Json.MAPPER.readTree(issue.serverRecord()));
            return new Conflict(issue.changeId(), issue.table().wireName(), issue.recordId(),
                    row == null ? null : AppStrokes.forApp(issue.table(), row.data()), row == null || row.deleted(),
                    server, issue.serverVersion(),
                    issue.resolving(), issue.detectedAt());
        } catch (SQLException e) {
            throw new SyncException("local store: " + e.getMessage(), e);
        }
    }

    /** The app's view of an open rejection. */
    Rejection rejection(OpenIssue issue) {
        try {
            LocalRecord row = store.records().find(issue.table(), issue.recordId()).orElse(null);
            return new Rejection(issue.changeId(), issue.table().wireName(), issue.recordId(), issue.errorCode(),
                    issue.errorMessage(), row == null ? null : AppStrokes.forApp(issue.table(), row.data()),
                    issue.resolving(), issue.detectedAt());
        } catch (SQLException e) {
            throw new SyncException("local store: " + e.getMessage(), e);
        }
    }

    private static void requireNoData(JsonNode data, Resolution resolution) {
        if (data != null) {
            throw new IllegalArgumentException(resolution.wireName() + " takes no data; use merge to send other data");
        }
    }
}

package io.syncd.client;

import java.sql.SQLException;

import io.syncd.client.store.RecordValidator;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The {@link Batch} of {@link SyncClient#batch}: local edits inside the transaction the batch holds. */
final class LocalBatch implements Batch {
    private final LocalEdits edits;

    LocalBatch(LocalEdits edits) {
        this.edits = edits;
    }

    @Override
    public LocalRecord put(String table, String recordId, JsonNode data) {
        SyncTable t = RecordValidator.table(table);
        ObjectNode normalized = RecordValidator.normalize(t, data);
        return AppStrokes.forApp(unchecked(() -> edits.put(t, RecordValidator.recordId(recordId), normalized)));
    }

    @Override
    public LocalRecord delete(String table, String recordId) {
        SyncTable t = RecordValidator.table(table);
        return AppStrokes.forApp(unchecked(() -> edits.delete(t, RecordValidator.recordId(recordId))));
    }

    /** SQL work inside a batch, whose transaction the caller holds. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private static <T> T unchecked(SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new SyncException("local store: " + e.getMessage(), e);
        }
    }
}

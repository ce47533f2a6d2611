package io.syncd.store.records;

import java.util.UUID;

import io.syncd.common.SyncTable;

/** Identifies one record: table, account and record id. */
public record RecordKey(SyncTable table, UUID accountId, UUID recordId) {
}

package io.syncd.applier;

import java.util.UUID;

import io.syncd.common.SyncTable;

/** Identifies one record: table, account and record id. */
record RecordKey(SyncTable table, UUID accountId, UUID recordId) {
}

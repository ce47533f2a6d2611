package io.syncd.applier;

import java.time.Instant;
import java.util.UUID;

import io.syncd.common.ChangeOp;
import io.syncd.common.DecisionStatus;
import io.syncd.common.SyncTable;

/**
 * One row of {@code sync_log}: how a change was decided, and what it wrote.
 *
 * @param data the applied data (normalized JSON) for an applied upsert, else null
 * @param serverRecord the record envelope the device must see (conflict, use_server), else null
 * @param position the account position an applied write got, else null
 * @param causeChangeId for tombstones cascaded from a parent's delete: that delete's change id
 */
record Decision(UUID changeId, UUID accountId, UUID deviceId, SyncTable table, UUID recordId, ChangeOp op,
                long baseVersion, Long resultVersion, DecisionStatus status, String errorCode, String errorMessage,
                String data, String serverRecord, Long position, UUID causeChangeId,
                String topic, Integer partition, Long offset, Instant receivedAt) {
}

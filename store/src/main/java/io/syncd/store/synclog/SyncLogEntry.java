package io.syncd.store.synclog;

import java.time.Instant;
import java.util.UUID;

import io.syncd.common.ChangeOp;
import io.syncd.common.DecisionStatus;
import io.syncd.common.SyncTable;

/**
 * What one {@code sync_log} row holds: a change's decision and where the change came from. The applier's decisions
 * are these (a record's accessors implement it), so appending them copies nothing.
 */
public interface SyncLogEntry {
    UUID accountId();

    UUID changeId();

    UUID deviceId();

    SyncTable table();

    UUID recordId();

    ChangeOp op();

    long baseVersion();

    Long resultVersion();

    DecisionStatus status();

    String errorCode();

    String errorMessage();

    String data();

    String serverRecord();

    Long position();

    UUID causeChangeId();

    String topic();

    Integer partition();

    Long offset();

    Instant receivedAt();
}

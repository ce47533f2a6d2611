package io.syncd.applier;

import java.time.Instant;
import java.util.UUID;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.ChangeResult;
import io.syncd.common.DecisionStatus;
import io.syncd.common.SyncTable;
import io.syncd.store.synclog.SyncLogEntry;

/**
 * One row of {@code sync_log}: how a change was decided, and what it wrote. Made by the factories below, one per
 * kind of decision, so that what each kind carries is stated once.
 *
 * @param data the applied data (normalized JSON) for an applied upsert, else null
 * @param serverRecord the record envelope the device must see (conflict, use_server), else null
 * @param position the account position an applied write got, else null
 * @param causeChangeId for tombstones cascaded from a parent's delete: that delete's change id
 */
record Decision(UUID changeId, UUID accountId, UUID deviceId, SyncTable table, UUID recordId, ChangeOp op,
                long baseVersion, Long resultVersion, DecisionStatus status, String errorCode, String errorMessage,
                String data, String serverRecord, Long position, UUID causeChangeId,
                String topic, Integer partition, Long offset, Instant receivedAt) implements SyncLogEntry {

    /** Rejection codes (PROTOCOL.md, Push). */
    static final String NOT_FOUND = "not_found";
    static final String MISSING_PARENT = "missing_parent";
    /** An upsert naming another parent than the stored record's (or than an earlier change of its request). */
    static final String IMMUTABLE_FIELD = ChangeResult.IMMUTABLE_FIELD;
    /** A change whose data breaks the record rules or that PostgreSQL refused to store (see PolledChange#refusal). */
    static final String INVALID_DATA = "invalid_data";

    /** An upsert or delete written as {@code version} at {@code position}; an upsert's data is kept for replay. */
    static Decision applied(PolledChange change, long version, long position) {
        String data = change.event().op() == ChangeOp.UPSERT ? change.event().data() : null;
        return of(change, DecisionStatus.APPLIED, version, null, null, data, null, position);
    }

    /** {@code use_server}: nothing written; the device is shown the record as it is. */
    static Decision keptServerRecord(PolledChange change, long currentVersion, String serverRecord) {
        return of(change, DecisionStatus.APPLIED, currentVersion, null, null, null, serverRecord, null);
    }

    /** The versions differ: nothing written; the device is shown the server's record (null when there is none). */
    static Decision conflict(PolledChange change, String serverRecord) {
        return of(change, DecisionStatus.CONFLICT, null, null, null, null, serverRecord, null);
    }

    static Decision rejected(PolledChange change, String code, String message) {
        return of(change, DecisionStatus.REJECTED, null, code, message, null, null, null);
    }

    /** A child's tombstone written because {@code cause} deleted its parent, under an id derived from the cause. */
    static Decision cascaded(PolledChange cause, UUID derivedId, SyncTable table, UUID recordId, long baseVersion,
                             long version, long position) {
        ChangeEvent e = cause.event();
        return new Decision(derivedId, e.accountId(), e.deviceId(), table, recordId, ChangeOp.DELETE, baseVersion, version,
                DecisionStatus.APPLIED, null, null, null, null, position, e.changeId(), cause.source().topic(),
                cause.source().partition(), cause.offset(), e.receivedAt());
    }

    private static Decision of(PolledChange change, DecisionStatus status, Long resultVersion, String errorCode,
                               String errorMessage, String data, String serverRecord, Long position) {
        ChangeEvent e = change.event();
        return new Decision(e.changeId(), e.accountId(), e.deviceId(), e.table(), e.recordId(), e.op(), e.baseVersion(),
                resultVersion, status, errorCode, errorMessage, data, serverRecord, position, null,
                change.source().topic(), change.source().partition(), change.offset(), e.receivedAt());
    }
}

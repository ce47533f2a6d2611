package io.syncd.gateway.push;

import java.util.UUID;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeResult;

/** Makes the protocol's per-change results the gateway knows without reading {@code sync_log}. */
final class ChangeResults {
    private ChangeResults() {
    }

    /** An applied change that got {@code version}, as {@link DecisionsTable#find} reads it from sync_log. */
    static ChangeResult applied(ChangeEvent change, long version) {
        return of(change.changeId(), "applied", change.table().wireName(), change.recordId(), version);
    }

    static ChangeResult pending(ChangeEvent change) {
        return of(change.changeId(), "pending", change.table().wireName(), change.recordId(), null);
    }

    /** A change not decided yet, known only by its id (not its table nor record). */
    static ChangeResult pending(UUID changeId) {
        return new ChangeResult(changeId.toString(), "pending", null, null, null, null, null);
    }

    private static ChangeResult of(UUID changeId, String status, String table, UUID recordId, Long version) {
        return new ChangeResult(changeId.toString(), status, table, recordId.toString(), version, null, null);
    }
}

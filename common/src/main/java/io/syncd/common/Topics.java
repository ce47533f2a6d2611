package io.syncd.common;

/** Names shared by the roles besides the per-table change topics (see {@link SyncTable#topic()}). */
public final class Topics {
    /** Poison records, with the reason in the {@code syncd.dlt.reason} header. */
    public static final String DEAD_LETTER = "sync.changes.dlt";
    public static final String DLT_REASON_HEADER = "syncd.dlt.reason";
    public static final String DLT_SOURCE_HEADER = "syncd.dlt.source";
    /** One small event per push or pull a device made ({@link TrafficEvent}); the projector counts them. */
    public static final String TRAFFIC = "sync.traffic";
    /** The applier's consumer group. */
    public static final String APPLIER_GROUP = "syncd-applier";

    private Topics() {
    }
}

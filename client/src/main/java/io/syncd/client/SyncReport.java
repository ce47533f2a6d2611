package io.syncd.client;

/**
 * What one push, pull or full sync did.
 *
 * @param pushed    changes sent (first sends and re-sends, resolutions included)
 * @param applied   of those, applied by the server
 * @param conflicts of those, conflicts (now open in {@link SyncClient#conflicts()})
 * @param rejected  of those, rejected (now listed in {@link SyncClient#rejections()})
 * @param pending   of those, queued by the server but not decided yet: kept and re-sent by the next sync
 * @param pulled    records received from the server (applied, or held back behind a local edit)
 */
public record SyncReport(int pushed, int applied, int conflicts, int rejected, int pending, int pulled) {
    static final SyncReport EMPTY = new SyncReport(0, 0, 0, 0, 0, 0);

    SyncReport plus(SyncReport other) {
        return new SyncReport(pushed + other.pushed, applied + other.applied, conflicts + other.conflicts,
                rejected + other.rejected, pending + other.pending, pulled + other.pulled);
    }
}

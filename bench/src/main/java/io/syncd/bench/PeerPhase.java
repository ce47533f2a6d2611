package io.syncd.bench;

import java.util.List;

/** Phase 8: the peer, PouchDB-server on leveldb, under the same workload shape. */
final class PeerPhase implements Phase {
    @Override
    public int number() {
        return 8;
    }

    @Override
    public String title() {
        return "the peer: PouchDB-server on leveldb, same workload shape";
    }

    @Override
    public List<String> keys() {
        return List.of("pouch_bulk50_p50_ms", "pouch_docs_per_s", "pouch_changes10k_ms", "applied_vs_pouch");
    }

    @Override
    public String notMeasurable(Run run) {
        return run.options().peer() ? run.peerMissing() : "peer not run (--no-peer)";
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        Options options = run.options();
        try (PouchPeer peer = PouchPeer.start(options.peerDir())) {
            results.put("pouch_bulk50_p50_ms", peer.bulk50P50(options.count(200, 40)), "_bulk_docs of 50 docs, p50 (ms)");
            double pouch = peer.docsPerSecond(Run.DEVICES, options.loadWarmupSeconds(), options.measuredSeconds());
            results.put("pouch_docs_per_s", pouch, "docs/s, " + Run.DEVICES + " clients × 50-doc _bulk_docs");
            results.put("pouch_changes10k_ms", peer.changes10k(3), "_changes of 10,000 docs with include_docs (ms)");
            results.put("applied_vs_pouch", results.number("applied_per_s") / pouch,
                    "applied_per_s / pouch_docs_per_s; target ≥ 4");
        }
    }
}

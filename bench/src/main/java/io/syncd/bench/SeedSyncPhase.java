package io.syncd.bench;

import java.util.List;

/** Phase 1: the seed's sync, pushes of 1, 10 and 50 changes from one device; the ink encoding's bytes and speed. */
final class SeedSyncPhase implements Phase {
    @Override
    public int number() {
        return 1;
    }

    @Override
    public String title() {
        return "the seed's sync: pushes of 1, 10 and 50 changes, one device at a time";
    }

    @Override
    public List<String> keys() {
        return List.of("push1_p50_ms", "push10_p50_ms", "push50_p50_ms", "push50_p99_ms", "push50_elsewhere_cpu_pct",
                "push50_busiest_other", "bytes_per_sync50", "bytes_per_sync50_gzip",
                "bytes_per_sync50_ink", "ink_encode_mb_per_s", "ink_decode_mb_per_s");
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        new PushScenarios(run.client()).seedSync(results, run.options());
    }
}

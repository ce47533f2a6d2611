package io.syncd.bench;

import java.util.List;

/** Phase 0: load until the JIT compiler has settled, before anything is measured; it runs whatever --only says. */
final class WarmupPhase implements Phase {
    @Override
    public int number() {
        return 0;
    }

    @Override
    public String title() {
        return "warm-up: pushes and pulls until the JIT compiler has settled";
    }

    @Override
    public List<String> keys() {
        return List.of("warmup_s");
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        double limit = run.options().jitWarmupLimitSeconds();
        results.put("warmup_s", new Warmup(run.client()).run(Math.min(limit, run.options().quick() ? 5 : 20), limit,
                run.embedded()), "load before the first measurement, until compilation settled (bounded)");
    }
}

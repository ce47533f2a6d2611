package io.syncd.bench;

import java.util.List;

/** Phase 9, last: the applier alone deciding a backlog queued on Kafka; it leaves the server without an applier. */
final class DrainPhase implements Phase {
    @Override
    public int number() {
        return 9;
    }

    @Override
    public String title() {
        return "the applier alone: a backlog queued on Kafka, decided with the gateway and the clients idle";
    }

    @Override
    public List<String> keys() {
        return List.of("drain_per_s", "drain_jvm_cpu_us_per_change", "drain_pg_cpu_us_per_change", "drain_ratio",
                "drain_ratio_audited");
    }

    @Override
    public String notMeasurable(Run run) {
        return run.embedded() ? null : "needs the embedded servers";
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        BacklogDrain.Drained drain = new BacklogDrain(run.server(), run.client(), run.dataDir(),
                run.options().serverArgs()).run(Run.DEVICES, run.options().count(600_000, 20_000));
        results.put("drain_per_s", drain.perSecond(), "changes/s a fresh applier decides from a backlog of "
                + drain.changes() + " of the load's events on Kafka (as after an outage), the gateway and clients idle");
        results.put("drain_jvm_cpu_us_per_change", drain.jvmCpuMicros(),
                "CPU µs per change of the one JVM meanwhile: the applier and the Kafka broker");
        results.put("drain_pg_cpu_us_per_change", drain.postgresCpuMicros(),
                "CPU µs per change of PostgreSQL meanwhile");
        results.put("drain_ratio", drain.perSecond() / results.number("raw_pg_per_s"),
                "drain_per_s / raw_pg_per_s: the Kafka hop and the decisions against the bare upsert");
        results.put("drain_ratio_audited", drain.perSecond() / results.number("raw_pg_audited_per_s"),
                "drain_per_s / raw_pg_audited_per_s");
    }
}

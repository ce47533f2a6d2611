package io.syncd.bench;

import java.util.List;

/** Phase 3: the ceilings on the same PostgreSQL and Kafka, version-checked 50-row upserts and acks=all produce. */
final class BaselinesPhase implements Phase {
    @Override
    public int number() {
        return 3;
    }

    @Override
    public String title() {
        return "baselines on the same PostgreSQL and Kafka: version-checked 50-row upserts, acks=all produce";
    }

    @Override
    public List<String> keys() {
        return List.of("raw_pg_per_s", "raw_pg_cpu_us_per_row", "raw_pg_seed_sync_per_s", "kafka_produce_per_s",
                "apply_ratio", "raw_pg_audited_per_s", "raw_pg_audited_cpu_us_per_row", "apply_ratio_audited");
    }

    @Override
    public String notMeasurable(Run run) {
        return run.embedded() ? null : "baselines need the embedded servers; skipped with --url";
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        Options options = run.options();
        double seconds = options.measuredSeconds();
        Baselines baselines = new Baselines(run.database().jdbcUrl(), run.database().username(),
                run.database().password());
        double applied = results.number("applied_per_s");
        Baselines.Raw events = baselines.rawPostgres(Baselines.Rows.EVENTS, seconds, 4);
        double raw = events.perSecond();
        results.put("raw_pg_per_s", raw, "rows/s, the sustained load's rows (50 events) as JDBC version-checked"
                + " upserts, 50-row transactions, 4 threads, for as long as the load was measured");
        results.put("raw_pg_cpu_us_per_row", events.postgresCpuMicros(),
                "CPU µs of PostgreSQL per row of raw_pg_per_s (compare pg_cpu_us_per_change)");
        results.put("raw_pg_seed_sync_per_s", baselines.rawPostgres(Baselines.Rows.SEED_SYNC, seconds, 4).perSecond(),
                "rows/s, the same with phase 1's syncs (25 notes, 5 drawings, strokes as ink bytea)");
        results.put("kafka_produce_per_s", Baselines.kafkaProduce(run.server().infrastructure().kafka().clientProperties(),
                options.count(400_000, 20_000)), "change events/s, acks=all, idempotent");
        results.put("apply_ratio", applied / raw, "applied_per_s / raw_pg_per_s; target ≥ 0.7");
        Baselines.Raw auditedRows = baselines.rawPostgres(Baselines.Rows.EVENTS_AUDITED, seconds, 4);
        double audited = auditedRows.perSecond();
        results.put("raw_pg_audited_per_s", audited, "rows/s, the same 50 events each with its sync_log row"
                + " in the same transaction: PostgreSQL's part of a decided change, without HTTP and Kafka");
        results.put("raw_pg_audited_cpu_us_per_row", auditedRows.postgresCpuMicros(),
                "CPU µs of PostgreSQL per row of raw_pg_audited_per_s");
        results.put("apply_ratio_audited", applied / audited, "applied_per_s / raw_pg_audited_per_s: what the"
                + " HTTP and Kafka hops leave of PostgreSQL's own pace with the audit trail");
    }
}

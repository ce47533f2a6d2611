package io.syncd.bench;

import java.util.List;

import io.syncd.standalone.embedded.EmbeddedDatabase;

/** Phase 5: a push of 50 once other accounts' rows fill the tables to a million. */
final class GrowthPhase implements Phase {
    private static final long ROWS = 1_000_000;

    @Override
    public int number() {
        return 5;
    }

    @Override
    public String title() {
        return "growth: push of 50 with 1,000,000 rows in the tables";
    }

    @Override
    public List<String> keys() {
        return List.of("push50_p50_ms_at_1m");
    }

    @Override
    public String notMeasurable(Run run) {
        if (!run.embedded()) {
            return "needs the embedded servers";
        }
        return run.options().growth() ? null : "full mode only";
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        EmbeddedDatabase database = run.database();
        long rows = Growth.rowCount(database.jdbcUrl(), database.username(), database.password());
        if (rows < ROWS) {
            Growth.addEvents(database.jdbcUrl(), database.username(), database.password(), ROWS - rows);
        }
        PushScenarios push = new PushScenarios(run.client());
        String token = run.client().newDevice();
        push.latencies(token, 50, 20, null);
        results.put("push50_p50_ms_at_1m", Stats.percentile(push.latencies(token, 50, run.options().count(200, 40), null), 50),
                "push50 p50 with " + Growth.rowCount(database.jdbcUrl(), database.username(), database.password())
                        + " rows in the tables (ms); target within 20 % of push50_p50_ms");
    }
}

package io.syncd.bench;

import java.time.Duration;
import java.util.List;

import io.syncd.standalone.embedded.EmbeddedDatabase;

/** Phase 6: the projector rebuilds everything written, from sync_log and from the topics, and compares. */
final class ReplayPhase implements Phase {
    private static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(30);

    @Override
    public int number() {
        return 6;
    }

    @Override
    public String title() {
        return "replay: the projector verifies everything written";
    }

    @Override
    public List<String> keys() {
        return List.of("replay_per_s", "replay_equal", "replay_kafka_per_s", "replay_kafka_equal");
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        if (run.embedded()) {
            EmbeddedDatabase database = run.database();
            Growth.removeDirectRows(database.jdbcUrl(), database.username(), database.password());
        }
        BenchClient.Answer fromLog = verify(run, "sync_log");
        long replayed = fromLog.body().get("changes_replayed").longValue();
        results.put("replay_per_s", replayed / seconds(fromLog), "changes/s replayed from sync_log and compared ("
                + replayed + " changes)");
        results.put("replay_equal", fromLog.body().get("equal").booleanValue(),
                "the rebuild equals the live tables (guarantee 7)");
        BenchClient.Answer fromKafka = verify(run, "kafka");
        long events = fromKafka.body().get("changes_replayed").longValue();
        results.put("replay_kafka_per_s", events / seconds(fromKafka), "change events/s read from the topics, decided"
                + " again by the applier's logic and compared (" + events + " events)");
        for (BenchClient.Answer answer : List.of(fromLog, fromKafka)) {
            if (!answer.body().get("equal").booleanValue()) {
                System.out.println("  NOT EQUAL: " + answer.body().get("tables"));
            }
        }
        results.put("replay_kafka_equal", fromKafka.body().get("equal").booleanValue(),
                "the rebuild from the topics alone equals the live tables");
    }

    private static BenchClient.Answer verify(Run run, String source) {
        BenchClient.Answer answer = run.client().post("/api/admin/verify", run.options().adminToken(),
                "{\"source\":\"" + source + "\"}", VERIFY_TIMEOUT);
        if (answer.status() != 200) {
            throw new IllegalStateException("verify from " + source + " failed: " + answer.status() + " " + answer.body());
        }
        return answer;
    }

    private static double seconds(BenchClient.Answer answer) {
        return Math.max(1, answer.body().get("took_ms").longValue()) / 1000.0;
    }
}

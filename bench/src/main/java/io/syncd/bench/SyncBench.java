package io.syncd.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.common.ContentCoding;
import io.syncd.common.FileTrees;
import io.syncd.standalone.SyncServer;
import io.syncd.standalone.embedded.EmbeddedDatabase;

/**
 * {@code java -jar bench/target/sync-bench.jar [--quick] [--url URL] [--no-peer]}: starts the embedded default on a
 * fresh folder (or measures the server at URL), runs the seed's sync scenarios, sustained load, the PostgreSQL and
 * Kafka ceilings, the PouchDB peer and last the applier alone on a backlog in one run, prints a table and writes
 * {@code bench/results/latest.json}.
 * {@code --appliers 1,2,3} instead measures sustained load with that many applier processes
 * ({@code bench/results/scale.json}).
 */
public final class SyncBench {
    private static final int DEVICES = 16;
    private static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(30);
    private long phaseStart;

    SyncBench() {
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) { // also a missing value or a number that is not one
            System.err.println("sync-bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        Results results = new SyncBench().run(options);
        results.printTable();
        results.write(options.output());
        System.out.printf("%nwritten to %s; the run took %.0f s%n", options.output(), (System.nanoTime() - start) / 1e9);
        System.exit(0);
    }

    Results run(Options options) throws Exception {
        Workload.useIds(options.randomIds() ? Workload.Ids.RANDOM : Workload.Ids.TIME_ORDERED);
        if (!options.appliers().isEmpty()) {
            return scaleOut(options);
        }
        Results results = new Results();
        SyncServer server = null;
        Path dataDir = null;
        boolean done = false;
        String url = options.url();
        try {
            if (url == null) {
                phase("starting the embedded default on a fresh data folder");
                dataDir = Files.createTempDirectory("sync-bench-");
                java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--server.port=0",
                        "--sync.data-dir=" + dataDir, "--sync.admin-token=bench", "--logging.level.root=WARN",
                        "--logging.level.io.syncd=WARN", "--spring.main.banner-mode=off"));
                args.addAll(options.serverArgs());
                server = SyncServer.start(args.toArray(String[]::new));
                url = "http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort();
            }
            BenchClient client = new BenchClient(url, ContentCoding.ZSTD);
            String adminToken = options.adminToken();
            describeRun(results, options);

            phase("0. warm-up: pushes and pulls until the JIT compiler has settled");
            double maxWarmup = jitWarmupSeconds(options);
            results.put("warmup_s", new Warmup(client).run(Math.min(maxWarmup, options.quick() ? 5 : 20), maxWarmup,
                    server != null), "load before the first measurement, until compilation settled (bounded)");

            if (options.runs(1)) {
                phase("1. the seed's sync: pushes of 1, 10 and 50 changes, one device at a time");
                new PushScenarios(client).seedSync(results, options);
            }
            double applied = Double.NaN;
            if (options.runs(2)) {
                phase("2. sustained load: " + DEVICES + " devices pushing 50 changes at a time");
                PushScenarios.Sustained load = new PushScenarios(client).sustained(DEVICES, warmupSeconds(options),
                        loadSeconds(options));
                applied = load.perSecond();
                results.put("applied_per_s", applied, "decided changes/s, " + DEVICES + " devices × 50-change pushes");
                results.put("applier_busy_pct", load.applierBusyPercent(),
                        "share of the time the applier spent deciding batches (% of one consumer; near 100: the"
                        + " applier is the bottleneck)");
                results.put("applier_batch_changes", load.applierBatchChanges(), "records per batch the applier decided");
                if (server != null) {
                    results.put("jvm_cpu_us_per_change", load.jvmCpuMicros(),
                            "CPU µs per decided change: the one JVM of bench client, gateway, Kafka and applier");
                    results.put("pg_cpu_us_per_change", load.postgresCpuMicros(),
                            "CPU µs per decided change: PostgreSQL");
                    results.put("load_elsewhere_cpu_pct", load.elsewhereCpuPercent(),
                            "CPU of the machine outside this JVM and PostgreSQL meanwhile (% of one core)");
                }
            }

            EmbeddedDatabase database = server == null ? null : server.infrastructure().database();
            if (options.runs(3)) {
            phase("3. baselines on the same PostgreSQL and Kafka: version-checked 50-row upserts, acks=all produce");
            if (database != null) {
                Baselines baselines = new Baselines(database.jdbcUrl(), database.username(), database.password());
                Baselines.Raw events = baselines.rawPostgres(Baselines.Rows.EVENTS, loadSeconds(options), 4);
                double raw = events.perSecond();
                results.put("raw_pg_per_s", raw, "rows/s, the sustained load's rows (50 events) as JDBC version-checked"
                        + " upserts, 50-row transactions, 4 threads, for as long as the load was measured");
                results.put("raw_pg_cpu_us_per_row", events.postgresCpuMicros(),
                        "CPU µs of PostgreSQL per row of raw_pg_per_s (compare pg_cpu_us_per_change)");
                results.put("raw_pg_seed_sync_per_s", baselines.rawPostgres(Baselines.Rows.SEED_SYNC,
                        loadSeconds(options), 4).perSecond(),
                        "rows/s, the same with phase 1's syncs (24 notes, 5 drawings)");
                results.put("kafka_produce_per_s", Baselines.kafkaProduce(server.infrastructure().kafka().clientProperties(),
                        options.count(400_000, 20_000)), "change events/s, acks=all, idempotent");
                results.put("apply_ratio", applied / raw, "applied_per_s / raw_pg_per_s; target ≥ 0.7");
                Baselines.Raw auditedRows = baselines.rawPostgres(Baselines.Rows.EVENTS_AUDITED,
                        loadSeconds(options), 4);
                double audited = auditedRows.perSecond();
                results.put("raw_pg_audited_per_s", audited, "rows/s, the same 50 events each with its sync_log row"
                        + " in the same transaction: PostgreSQL's part of a decided change, without HTTP and Kafka");
                results.put("raw_pg_audited_cpu_us_per_row", auditedRows.postgresCpuMicros(),
                        "CPU µs of PostgreSQL per row of raw_pg_audited_per_s");
                results.put("apply_ratio_audited", applied / audited, "applied_per_s / raw_pg_audited_per_s: what the"
                        + " HTTP and Kafka hops leave of PostgreSQL's own pace with the audit trail");
            } else {
                System.out.println("  (baselines need the embedded servers; skipped with --url)");
                results.put("raw_pg_per_s", null, "skipped with --url");
                results.put("raw_pg_cpu_us_per_row", null, "skipped with --url");
                results.put("raw_pg_seed_sync_per_s", null, "skipped with --url");
                results.put("kafka_produce_per_s", null, "skipped with --url");
                results.put("apply_ratio", null, "skipped with --url");
                results.put("raw_pg_audited_per_s", null, "skipped with --url");
                results.put("raw_pg_audited_cpu_us_per_row", null, "skipped with --url");
                results.put("apply_ratio_audited", null, "skipped with --url");
            }
            }

            if (options.runs(4)) {
            phase("4. pulls: initial sync of 10,000 records, of 10,000 notes, incremental");
            PullScenarios pulls = new PullScenarios(client);
            String small = pulls.accountWithEvents(10_000);
            results.put("pull10k_ms", pulls.initialPull(small, 10_001, 3), "initial pull of 10,000 small records (ms); target ≤ 300");
            String notes = pulls.accountWithNotes(10_000);
            results.put("pull10k_notes_ms", pulls.initialPull(notes, 10_101, 3), "initial pull of 10,000 notes, ~5 KB strokes (ms); target ≤ 600");
            results.put("pull10k_notes_gzip_ms", new PullScenarios(new BenchClient(url, ContentCoding.GZIP))
                    .initialPull(notes, 10_101, 3), "the same with gzip (clients without zstd)");
            results.put("pull10k_notes_plain_ms", new PullScenarios(new BenchClient(url, null)).initialPull(notes, 10_101, 3),
                    "the same uncompressed (loopback: compression is the cost)");
            if (!options.quick()) {
                String big = pulls.accountWithEvents(100_000);
                results.put("pull100k_ms", pulls.initialPull(big, 100_001, 1), "initial pull of 100,000 records (ms)");
            } else {
                results.put("pull100k_ms", null, "full mode only");
            }
            results.put("pull_incr_p50_ms", pulls.incremental(options.count(50, 15)), "incremental pull of 50 changes, p50 (ms)");
            }

            phase("5. growth: push of 50 with 1,000,000 rows in the tables");
            if (options.growth() && database != null && options.runs(5)) {
                long rows = Growth.rowCount(database.jdbcUrl(), database.username(), database.password());
                if (rows < 1_000_000) {
                    Growth.addEvents(database.jdbcUrl(), database.username(), database.password(), 1_000_000 - rows);
                }
                PushScenarios push = new PushScenarios(client);
                String token = client.newDevice();
                push.latencies(token, 50, 20, null);
                results.put("push50_p50_ms_at_1m", Stats.percentile(push.latencies(token, 50, options.count(200, 40), null), 50),
                        "push50 p50 with " + Growth.rowCount(database.jdbcUrl(), database.username(), database.password())
                                + " rows in the tables (ms); target within 20 % of push50_p50_ms");
            } else {
                results.put("push50_p50_ms_at_1m", null, options.quick() ? "full mode only" : "needs the embedded servers");
            }

            phase("6. replay: the projector verifies everything written");
            if (options.runs(6)) {
                if (database != null) {
                    Growth.removeDirectRows(database.jdbcUrl(), database.username(), database.password());
                }
                BenchClient.Answer verify = client.post("/api/admin/verify", adminToken, "{\"source\":\"sync_log\"}",
                        VERIFY_TIMEOUT);
                if (verify.status() != 200) {
                    throw new IllegalStateException("verify failed: " + verify.status() + " " + verify.body());
                }
                long replayed = verify.body().get("changes_replayed").longValue();
                double seconds = Math.max(1, verify.body().get("took_ms").longValue()) / 1000.0;
                results.put("replay_per_s", replayed / seconds, "changes/s replayed from sync_log and compared ("
                        + replayed + " changes)");
                results.put("replay_equal", verify.body().get("equal").booleanValue(),
                        "the rebuild equals the live tables (guarantee 7)");
                BenchClient.Answer fromKafka = client.post("/api/admin/verify", adminToken, "{\"source\":\"kafka\"}",
                        VERIFY_TIMEOUT);
                if (fromKafka.status() != 200) {
                    throw new IllegalStateException("verify from Kafka failed: " + fromKafka.status() + " " + fromKafka.body());
                }
                long events = fromKafka.body().get("changes_replayed").longValue();
                double kafkaSeconds = Math.max(1, fromKafka.body().get("took_ms").longValue()) / 1000.0;
                results.put("replay_kafka_per_s", events / kafkaSeconds, "change events/s read from the topics, decided"
                        + " again by the applier's logic and compared (" + events + " events)");
                for (BenchClient.Answer answer : java.util.List.of(verify, fromKafka)) {
                    if (!answer.body().get("equal").booleanValue()) {
                        System.out.println("  NOT EQUAL: " + answer.body().get("tables"));
                    }
                }
                results.put("replay_kafka_equal", fromKafka.body().get("equal").booleanValue(),
                        "the rebuild from the topics alone equals the live tables");
            }

            phase("7. memory");
            if (server != null) {
                System.gc();
                System.gc();
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                results.put("heap_mb", used / (1024.0 * 1024.0), "heap used after the run and a GC (MB), server and bench in one JVM");
            } else {
                results.put("heap_mb", null, "not measurable with --url");
            }

            phase("8. the peer: PouchDB-server on leveldb, same workload shape");
            try (PouchPeer peer = options.peer() && options.runs(8) ? PouchPeer.start(options.peerDir()) : null) {
                if (peer != null) {
                    results.put("pouch_bulk50_p50_ms", peer.bulk50P50(options.count(200, 40)), "_bulk_docs of 50 docs, p50 (ms)");
                    double pouch = peer.docsPerSecond(DEVICES, warmupSeconds(options), loadSeconds(options));
                    results.put("pouch_docs_per_s", pouch, "docs/s, " + DEVICES + " clients × 50-doc _bulk_docs");
                    results.put("pouch_changes10k_ms", peer.changes10k(3), "_changes of 10,000 docs with include_docs (ms)");
                    results.put("applied_vs_pouch", applied / pouch, "applied_per_s / pouch_docs_per_s; target ≥ 4");
                } else {
                    for (String key : new String[] {"pouch_bulk50_p50_ms", "pouch_docs_per_s", "pouch_changes10k_ms",
                            "applied_vs_pouch"}) {
                        results.put(key, null, "peer not run");
                    }
                }
            }
            phase("9. the applier alone: a backlog queued on Kafka, decided with the gateway and the clients idle");
            if (server != null && options.runs(9)) {
                BacklogDrain.Drained drain = new BacklogDrain(server, client, dataDir, options.serverArgs())
                        .run(DEVICES, options.count(600_000, 20_000));
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
            } else {
                for (String key : new String[] {"drain_per_s", "drain_jvm_cpu_us_per_change", "drain_pg_cpu_us_per_change",
                        "drain_ratio", "drain_ratio_audited"}) {
                    results.put(key, null, server == null ? "needs the embedded servers" : "phase not run");
                }
            }
            done = true;
            return results;
        } finally {
            if (server != null) {
                server.close();
            }
            if (dataDir != null) {
                keepOnlyIfFailed(dataDir, done);
            }
        }
    }

    private static void describeRun(Results results, Options options) {
        results.put("mode", options.quick() ? "quick" : "full", "run size");
        results.put("ids", options.randomIds() ? "random" : "time-ordered", "record and change ids: the SDK's"
                + " time-ordered UUIDs, or random ones (--random-ids)");
    }

    /** A full run leaves gigabytes of data: delete them, unless the run failed and they may explain why. */
    private static void keepOnlyIfFailed(Path dataDir, boolean done) {
        if (done) {
            FileTrees.delete(dataDir);
        } else {
            System.out.println("  the run failed: its data and logs are kept in " + dataDir + " (delete it when done)");
        }
    }

    /**
     * The sustained load of phase 2 against a gateway process with the embedded Kafka and PostgreSQL and no applier,
     * once per applier process count, starting (or stopping) applier-only processes of the jar in between.
     */
    private Results scaleOut(Options options) throws Exception {
        Results results = new Results();
        describeRun(results, options);
        phase("scale-out: a gateway process with the embedded Kafka and PostgreSQL, applier processes joining it");
        ScaleOut scale = ScaleOut.start(options.jar(), options.serverArgs());
        boolean done = false;
        try (scale) {
            System.out.println("  data and logs of the processes in " + scale.dataDir());
            for (int appliers : options.appliers()) {
                phase("scale-out: " + appliers + " applier process" + (appliers == 1 ? "" : "es") + ", " + DEVICES
                        + " devices pushing 50 changes at a time");
                scale.appliers(appliers);
                double applied = new PushScenarios(new BenchClient(scale.url(), ContentCoding.ZSTD))
                        .sustained(DEVICES, warmupSeconds(options), loadSeconds(options)).perSecond();
                results.put("applied_per_s_appliers_" + appliers, applied, "decided changes/s with " + appliers
                        + " applier process" + (appliers == 1 ? "" : "es") + ", " + DEVICES + " devices × 50-change pushes");
            }
            done = true;
        } finally {
            keepOnlyIfFailed(scale.dataDir(), done);
        }
        return results;
    }

    /** The longest warm-up before the phases: 180 s in full mode, 20 s with --quick, at most --warmup-seconds. */
    private static double jitWarmupSeconds(Options options) {
        double max = options.quick() ? 20 : 180;
        return options.warmupSeconds() >= 0 ? Math.min(max, options.warmupSeconds()) : max;
    }

    /** Load before counting: 20 s in full mode (steady state, as a running server is), 3 s at most with --quick. */
    private static double warmupSeconds(Options options) {
        if (options.warmupSeconds() >= 0) {
            return options.warmupSeconds();
        }
        return options.quick() ? Math.min(3, loadSeconds(options) / 3) : 20;
    }

    /**
     * 30 s of sustained load in full mode, 8 s in quick mode, at least 1 s, unless set; each PostgreSQL baseline
     * writes as long.
     */
    private static double loadSeconds(Options options) {
        if (options.loadSeconds() > 0) {
            return options.loadSeconds();
        }
        return options.quick() ? Math.max(1, 32 * options.scale()) : 30;
    }

    private void phase(String name) {
        long now = System.nanoTime();
        if (phaseStart != 0) {
            System.out.printf("  (%.1f s)%n", (now - phaseStart) / 1e9);
        }
        phaseStart = now;
        System.out.println("== " + name);
    }
}

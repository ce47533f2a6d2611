package io.syncd.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.syncd.common.ContentCoding;
import io.syncd.standalone.SyncServer;
import io.syncd.standalone.embedded.FileTrees;

/**
 * {@code java -jar bench/target/sync-bench.jar [--quick] [--url URL] [--no-peer] …}: starts the embedded default on a
 * fresh folder (or measures the server at URL), runs the phases in order, prints a table and writes
 * {@code bench/results/latest.json}. {@code --appliers 1,2,3} instead measures sustained load with that many applier
 * processes ({@code bench/results/scale.json}).
 */
@Command(name = "sync-bench", mixinStandardHelpOptions = true, version = "syncd sync-bench 0.1.0", sortOptions = false,
        description = {"Measures syncd's sync scenarios, sustained load, the PostgreSQL and Kafka ceilings, the peer"
                + " (PouchDB-server) and the applier alone in one run, prints a table and writes the figures as JSON.",
                "Phases: 0 warm-up (always), 1 seed's sync, 2 sustained load, 3 baselines, 4 pulls, 5 growth,"
                + " 6 replay, 7 memory, 8 peer, 10 real time (change streams, long-poll), 11 selective sync, 9 applier alone (last: it"
                + " leaves the server without an applier). Every run writes every phase's figures, null where"
                + " not measured."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the run finished", "1:the run failed",
                "2:a mistake on the command line"})
public final class SyncBench implements Callable<Integer> {
    static final int USAGE_ERROR = 2;
    /** The highest phase number. */
    static final int LAST_PHASE = 11;

    /**
     * The phases of the default run, in order: phase 10 came after phase 9, which leaves the server without an
     * applier, so it runs before it.
     */
    static final List<Phase> PHASES = List.of(new WarmupPhase(), new SeedSyncPhase(), new SustainedLoadPhase(),
            new BaselinesPhase(), new PullsPhase(), new GrowthPhase(), new ReplayPhase(), new MemoryPhase(),
            new PeerPhase(), new StreamPhase(), new SelectivePhase(), new DrainPhase());

    @Option(names = "--quick", description = "a smaller run (~3 min; the same keys, some null): full mode only"
            + " measures growth and the 100,000-record pull")
    boolean quick;

    @Option(names = "--url", paramLabel = "URL", description = "measure the server at URL instead of starting the"
            + " embedded default (the phases that need the embedded servers write null)")
    String url;

    @Option(names = "--no-peer", description = "skip the peer, PouchDB-server (installed with npm"
            + " into --peer-dir on first use otherwise)")
    boolean noPeer;

    @Option(names = "--peer-dir", paramLabel = "DIR", defaultValue = "bench/peer",
            description = "where the peer's package-lock.json and node_modules are (default: ${DEFAULT-VALUE})")
    Path peerDir;

    @Option(names = "--output", paramLabel = "FILE", description = "where the figures go (default:"
            + " bench/results/latest.json, with --appliers bench/results/scale.json)")
    Path output;

    @Option(names = "--only", paramLabel = "N", split = ",",
            description = "run only these phases (1–11, e.g. 2,3); the others write null")
    List<Integer> only = new ArrayList<>();

    @Option(names = "--load-seconds", paramLabel = "S", description = "length of each sustained-load measurement and"
            + " PostgreSQL baseline (default: 30, 8 with --quick)")
    double loadSeconds;

    @Option(names = "--warmup-seconds", paramLabel = "S", description = "caps the warm-up (phase 0) and sets the load"
            + " before each sustained-load measurement counts (default: 180 and 20; 20 and 3 with --quick)")
    double warmupSeconds = -1;

    @Option(names = "--server-arg", paramLabel = "--name=value",
            description = "a setting for the embedded server, e.g. --sync.applier.parallelism=2 (repeatable)")
    List<String> serverArgs = new ArrayList<>();

    @Option(names = "--admin-token", paramLabel = "T", defaultValue = "bench",
            description = "the server's admin token, for the replay phase (default: ${DEFAULT-VALUE}, the embedded"
                    + " default's)")
    String adminToken;

    @Option(names = "--random-ids", description = "random (version 4) record and change ids instead of the SDK's"
            + " time-ordered ones")
    boolean randomIds;

    @Option(names = "--appliers", paramLabel = "N", split = ",", description = "instead of the phases, sustained load"
            + " with this many applier processes in turn, e.g. 1,2,3")
    List<Integer> appliers = new ArrayList<>();

    @Option(names = "--jar", paramLabel = "FILE", defaultValue = "standalone/target/sync-standalone.jar",
            description = "the standalone jar --appliers starts (default: ${DEFAULT-VALUE})")
    Path jar;

    @Option(names = "--scale", paramLabel = "F", description = "sizes of the run against the full one (default: 1,"
            + " 0.25 with --quick)")
    double scale = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private long phaseStart;

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new SyncBench());
        commandLine.setOut(out).setErr(err);
        commandLine.setParameterExceptionHandler((e, given) -> {
            err.println("sync-bench: " + e.getMessage());
            e.getCommandLine().usage(err);
            return USAGE_ERROR;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Options options = options(spec.commandLine());
        long start = System.nanoTime();
        Results results = run(options);
        results.printTable();
        results.write(options.output());
        System.out.printf("%nwritten to %s; the run took %.0f s%n", options.output(), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** The options as parsed into this command's fields; a combination that cannot be run is a ParameterException. */
    Options options(CommandLine commandLine) {
        if (only.stream().anyMatch(phase -> phase < 1 || phase > LAST_PHASE)) {
            throw new CommandLine.ParameterException(commandLine, "--only: phases are 1 to " + LAST_PHASE + ", got "
                    + only);
        }
        if (!appliers.isEmpty() && url != null) {
            throw new CommandLine.ParameterException(commandLine,
                    "--appliers starts its own processes; it cannot measure --url");
        }
        if (appliers.stream().anyMatch(n -> n < 1)) {
            throw new CommandLine.ParameterException(commandLine,
                    "--appliers: each count must be at least 1, got " + appliers);
        }
        // The scale-out figures are kept beside the full run's, not over them.
        Path file = output != null ? output
                : Path.of("bench", "results", appliers.isEmpty() ? "latest.json" : "scale.json");
        double size = quick && scale == 1 ? 0.25 : scale;
        return new Options(url, quick, size, !noPeer, peerDir, file, !quick, List.copyOf(serverArgs),
                Set.copyOf(only), loadSeconds, warmupSeconds, adminToken, List.copyOf(appliers),
                jar, randomIds);
    }

    /** Every key a run writes, in order: each phase's, after the run's description. */
    static List<String> keys() {
        List<String> keys = new ArrayList<>(List.of("mode", "ids"));
        PHASES.forEach(phase -> keys.addAll(phase.keys()));
        return keys;
    }

    Results run(Options options) throws Exception {
        Workload.useIds(options.randomIds() ? Workload.Ids.RANDOM : Workload.Ids.TIME_ORDERED);
        if (!options.appliers().isEmpty()) {
            return scaleOut(options);
        }
        // Before the server starts: a failed install stops the run at once, not after half an hour.
        String peerMissing = options.peer() && options.runs(8)
                ? new PeerInstall(options.peerDir(), System.getenv("PATH")).ensure() : null;
        Results results = new Results();
        SyncServer server = null;
        Path dataDir = null;
        boolean done = false;
        try {
            String url = options.url();
            if (url == null) {
                phase("starting the embedded default on a fresh data folder");
                dataDir = Files.createTempDirectory("sync-bench-");
                server = startEmbedded(dataDir, options);
                url = "http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort();
            }
            Run run = new Run(options, new BenchClient(url, ContentCoding.ZSTD), url, server, dataDir, peerMissing);
            describeRun(results, options);
            for (Phase phase : PHASES) {
                runPhase(phase, run, results);
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

    void runPhase(Phase phase, Run run, Results results) throws Exception {
        phase(phase.number() + ". " + phase.title());
        String skipped = run.options().runs(phase.number()) ? phase.notMeasurable(run) : "phase not run (--only)";
        int before = results.keys().size();
        if (skipped == null) {
            phase.measure(run, results);
        } else {
            System.out.println("  (" + skipped + ")");
            phase.keys().forEach(key -> results.put(key, null, skipped));
        }
        List<String> written = results.keys().subList(before, results.keys().size());
        if (!written.equals(phase.keys())) {
            // Runs are compared key by key: a phase writing other keys than it declares breaks every comparison.
            throw new IllegalStateException("phase " + phase.number() + " wrote " + written + ", not its keys "
                    + phase.keys());
        }
    }

    private static SyncServer startEmbedded(Path dataDir, Options options) {
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--sync.data-dir=" + dataDir, "--sync.admin-token=bench", "--logging.level.root=WARN",
                // The load makes accounts by the thousand from one address, and scrapes metrics as a
                // scraper on a private network would.
                "--sync.gateway.address-rate-limit.enabled=false", "--sync.metrics.open=true",
                "--logging.level.io.syncd=WARN", "--spring.main.banner-mode=off"));
        args.addAll(options.serverArgs());
        return SyncServer.start(args.toArray(String[]::new));
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
            for (int count : options.appliers()) {
                String processes = count + " applier process" + (count == 1 ? "" : "es");
                phase("scale-out: " + processes + ", " + Run.DEVICES + " devices pushing 50 changes at a time");
                scale.appliers(count);
                double applied = new PushScenarios(new BenchClient(scale.url(), ContentCoding.ZSTD))
                        .sustained(Run.DEVICES, options.loadWarmupSeconds(), options.measuredSeconds()).perSecond();
                results.put("applied_per_s_appliers_" + count, applied, "decided changes/s with " + processes + ", "
                        + Run.DEVICES + " devices × 50-change pushes");
            }
            done = true;
        } finally {
            keepOnlyIfFailed(scale.dataDir(), done);
        }
        return results;
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

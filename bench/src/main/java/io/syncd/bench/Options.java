package io.syncd.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import picocli.CommandLine;

/**
 * How a bench run is sized and where it points, as read from the command line by {@link SyncBench}'s options.
 *
 * @param url a running server to measure instead of starting the embedded default (null: start one)
 * @param scale 1 for the full run; smaller for --quick and for the harness's own test
 * @param serverArgs extra arguments for the embedded server (e.g. a log level or applier setting to compare)
 * @param only the phases to run (1–11); empty runs them all, e.g. to profile one phase. Phase 0, the warm-up, prepares
 *             whichever run: it always runs
 * @param loadSeconds length of each sustained-load measurement and of each PostgreSQL baseline (0: 30 s, or 8 s with --quick)
 * @param warmupSeconds load before each sustained-load measurement counts, and the longest warm-up before the first
 *                      phase (negative: the defaults of the mode)
 * @param adminToken the server's admin token, for the replay phase (the embedded default gets "bench")
 * @param appliers applier process counts to measure in turn (e.g. 1, 2, 3); non-empty runs only that scenario
 * @param jar the standalone jar the scale-out scenario starts as processes
 * @param randomIds record and change ids as random (version 4) UUIDs instead of the SDK's time-ordered ones
 */
record Options(String url, boolean quick, double scale, boolean peer, Path peerDir, Path output, boolean growth,
               List<String> serverArgs, Set<Integer> only, double loadSeconds, double warmupSeconds,
               String adminToken, List<Integer> appliers, Path jar, boolean randomIds) {

    /** Reads a command line as {@code java -jar sync-bench.jar} does; a mistake is a picocli ParameterException. */
    static Options parse(String... args) {
        SyncBench command = new SyncBench();
        CommandLine commandLine = new CommandLine(command);
        commandLine.parseArgs(args);
        return command.options(commandLine);
    }

    boolean runs(int phase) {
        return phase == 0 || only.isEmpty() || only.contains(phase);
    }

    /** A count scaled for this run, never below {@code min}. */
    int count(int full, int min) {
        return Math.max(min, (int) Math.round(full * scale));
    }

    /** The longest warm-up before the phases: 180 s in full mode, 20 s with --quick, at most --warmup-seconds. */
    double jitWarmupLimitSeconds() {
        double max = quick ? 20 : 180;
        return warmupSeconds >= 0 ? Math.min(max, warmupSeconds) : max;
    }

    /** Load before counting: 20 s in full mode (steady state, as a running server is), 3 s at most with --quick. */
    double loadWarmupSeconds() {
        if (warmupSeconds >= 0) {
            return warmupSeconds;
        }
        return quick ? Math.min(3, measuredSeconds() / 3) : 20;
    }

    /**
     * 30 s of sustained load in full mode, 8 s in quick mode, at least 1 s, unless set; each PostgreSQL baseline
     * writes as long.
     */
    double measuredSeconds() {
        if (loadSeconds > 0) {
            return loadSeconds;
        }
        return quick ? Math.max(1, 32 * scale) : 30;
    }
}

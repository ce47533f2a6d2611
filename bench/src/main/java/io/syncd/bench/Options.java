package io.syncd.bench;

import java.nio.file.Path;

/**
 * How a bench run is sized and where it points.
 *
 * @param url a running server to measure instead of starting the embedded default (null: start one)
 * @param scale 1 for the full run; smaller for --quick and for the harness's own test
 * @param serverArgs extra arguments for the embedded server (e.g. a log level or applier setting to compare)
 * @param only the phases to run (1–9); empty runs them all, e.g. to profile one phase
 * @param loadSeconds length of each sustained-load measurement and of each PostgreSQL baseline (0: 30 s, or 8 s with --quick)
 * @param warmupSeconds load before each sustained-load measurement counts, and the longest warm-up before the first
 *                      phase (negative: the defaults of the mode)
 * @param adminToken the server's admin token, for the replay phase (the embedded default gets "bench")
 * @param appliers applier process counts to measure in turn (e.g. 1, 2, 3); non-empty runs only that scenario
 * @param jar the standalone jar the scale-out scenario starts as processes
 * @param randomIds record and change ids as random (version 4) UUIDs instead of the SDK's time-ordered ones
 */
record Options(String url, boolean quick, double scale, boolean peer, Path peerDir, Path output, boolean growth,
               java.util.List<String> serverArgs, java.util.Set<Integer> only, double loadSeconds, double warmupSeconds,
               String adminToken, java.util.List<Integer> appliers, Path jar, boolean randomIds) {

    static final String USAGE = "usage: sync-bench [--quick] [--url URL] [--no-peer] [--output FILE]"
            + " [--server-arg --name=value] [--only 1,2,…] [--load-seconds S] [--warmup-seconds S] [--admin-token T]"
            + " [--appliers 1,2,3 [--jar FILE]] [--random-ids]";

    static Options parse(String... args) {
        String url = null;
        boolean quick = false;
        boolean peer = true;
        double scale = 1;
        Path peerDir = Path.of("bench", "peer");
        Path output = null;
        java.util.List<String> serverArgs = new java.util.ArrayList<>();
        java.util.Set<Integer> only = new java.util.TreeSet<>();
        double loadSeconds = 0;
        double warmupSeconds = -1;
        String adminToken = "bench";
        java.util.List<Integer> appliers = new java.util.ArrayList<>();
        Path jar = Path.of("standalone", "target", "sync-standalone.jar");
        boolean randomIds = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--url" -> url = value(args, ++i);
                case "--no-peer" -> peer = false;
                case "--scale" -> scale = Double.parseDouble(value(args, ++i));
                case "--peer-dir" -> peerDir = Path.of(value(args, ++i));
                case "--output" -> output = Path.of(value(args, ++i));
                case "--server-arg" -> serverArgs.add(value(args, ++i));
                case "--load-seconds" -> loadSeconds = Double.parseDouble(value(args, ++i));
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(value(args, ++i));
                case "--admin-token" -> adminToken = value(args, ++i);
                case "--only" -> java.util.Arrays.stream(value(args, ++i).split(",")).map(Integer::parseInt).forEach(only::add);
                case "--appliers" -> java.util.Arrays.stream(value(args, ++i).split(",")).map(Integer::parseInt).forEach(appliers::add);
                case "--jar" -> jar = Path.of(value(args, ++i));
                case "--random-ids" -> randomIds = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (!appliers.isEmpty() && url != null) {
            throw new IllegalArgumentException("--appliers starts its own processes; it cannot measure --url");
        }
        if (appliers.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--appliers: each count must be at least 1, got " + appliers);
        }
        if (output == null) {
            // The scale-out figures are kept beside the full run's, not over them.
            output = Path.of("bench", "results", appliers.isEmpty() ? "latest.json" : "scale.json");
        }
        if (quick && scale == 1) {
            scale = 0.25;
        }
        return new Options(url, quick, scale, peer, peerDir, output, !quick, serverArgs, only, loadSeconds, warmupSeconds,
                adminToken, appliers, jar, randomIds);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value; " + USAGE);
        }
        return args[i];
    }

    boolean runs(int phase) {
        return only.isEmpty() || only.contains(phase);
    }

    /** A count scaled for this run, never below {@code min}. */
    int count(int full, int min) {
        return Math.max(min, (int) Math.round(full * scale));
    }
}

package io.syncd.bench;

import java.nio.file.Path;

/**
 * How a bench run is sized and where it points.
 *
 * @param url a running server to measure instead of starting the embedded default (null: start one)
 * @param scale 1 for the full run; smaller for --quick and for the harness's own test
 */
record Options(String url, boolean quick, double scale, boolean peer, Path peerDir, Path output, boolean growth) {

    static Options parse(String... args) {
        String url = null;
        boolean quick = false;
        boolean peer = true;
        double scale = 1;
        Path peerDir = Path.of("bench", "peer");
        Path output = Path.of("bench", "results", "latest.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--url" -> url = args[++i];
                case "--no-peer" -> peer = false;
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--peer-dir" -> peerDir = Path.of(args[++i]);
                case "--output" -> output = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: sync-bench [--quick] [--url URL] [--no-peer] [--output FILE]");
            }
        }
        if (quick && scale == 1) {
            scale = 0.25;
        }
        return new Options(url, quick, scale, peer, peerDir, output, !quick);
    }

    /** A count scaled for this run, never below {@code min}. */
    int count(int full, int min) {
        return Math.max(min, (int) Math.round(full * scale));
    }
}

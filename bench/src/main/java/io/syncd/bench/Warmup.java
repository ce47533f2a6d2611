package io.syncd.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs every kind of request the phases measure (pushes of 1, 10 and 50 mixed changes from several devices, pulls)
 * until the JIT compiler has settled, so that the figures are those of a running server, not of one compiling its
 * code. Measured here: with the embedded server, gateway, applier, broker and client in one JVM, compilation takes
 * about one of the two cores for the first 100–180 s of load.
 */
final class Warmup {
    private static final int DEVICES = 8;
    /** Settled: compilation used less than this share of one core over the last window. */
    private static final double SETTLED = 0.1;
    private static final long WINDOW_SECONDS = 10;

    private final BenchClient client;

    Warmup(BenchClient client) {
        this.client = client;
    }

    /**
     * Loads the server until compilation settles or {@code maxSeconds} pass; at least {@code minSeconds}. Returns the
     * seconds it ran. Where the JVM cannot tell its compilation time, or the server is another process ({@code --url}),
     * it runs {@code minSeconds}.
     */
    double run(double minSeconds, double maxSeconds, boolean serverInThisJvm) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = serverInThisJvm && jit != null && jit.isCompilationTimeMonitoringSupported();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(DEVICES);
        long start = System.nanoTime();
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int d = 0; d < DEVICES; d++) {
                Workload workload = new Workload(1000 + d);
                loops.add(pool.submit(() -> {
                    String token = client.newDevice();
                    String cursor = null;
                    while (running.get()) {
                        for (int size : new int[] {1, 10, 50}) {
                            client.push(token, Workload.push(workload.mixedSync(size)));
                        }
                        cursor = client.pullAll(token, cursor, 500)[1];
                    }
                    return null;
                }));
            }
            long compiledAtWindowStart = measurable ? jit.getTotalCompilationTime() : 0;
            long windowStart = System.nanoTime();
            while (true) {
                TimeUnit.SECONDS.sleep(1);
                for (Future<?> loop : loops) {
                    if (loop.isDone()) {
                        loop.get(); // a failed request fails the warm-up, loudly
                    }
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (elapsed >= maxSeconds || (!measurable && elapsed >= minSeconds)) {
                    break;
                }
                double window = (System.nanoTime() - windowStart) / 1e9;
                if (window < WINDOW_SECONDS) {
                    continue;
                }
                // Scraped as a monitoring server would, every window. The first scrape loads ~100 classes, which
                // deoptimizes hot request code: left to phase 2's first scrape, that burst (~500 compilations, ~90
                // deoptimizations, -XX:+PrintCompilation) fell into its measured load.
                client.meters();
                if (measurable) {
                    long compiled = jit.getTotalCompilationTime();
                    double share = (compiled - compiledAtWindowStart) / 1000.0 / window;
                    System.out.printf("  %.0f s: compilation used %.0f %% of a core over the last %.0f s%n", elapsed,
                            share * 100, window);
                    if (share < SETTLED && elapsed >= minSeconds) {
                        break;
                    }
                    compiledAtWindowStart = compiled;
                }
                windowStart = System.nanoTime();
            }
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(2, TimeUnit.MINUTES);
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
    }
}

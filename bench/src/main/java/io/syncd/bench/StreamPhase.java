package io.syncd.bench;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Phase 10, run before phase 9 (which leaves the server without an applier): the real-time path. A device's change
 * stream notified of another device's push, the pull it triggers, a held pull ({@code wait_ms}), then thousands of
 * idle streams held at once by the one server, the heap each costs it, and the notification again while they are open.
 */
final class StreamPhase implements Phase {
    /** Devices of one account holding idle streams: 5,000 streams are 100 accounts of 50 devices. */
    static final int DEVICES_PER_ACCOUNT = 50;

    @Override
    public int number() {
        return 10;
    }

    @Override
    public String title() {
        return "real time: change stream and long-poll latency, thousands of idle streams";
    }

    @Override
    public List<String> keys() {
        return List.of("notify_p50_ms", "notify_p99_ms", "notify_to_pull_p99_ms", "longpoll_p99_ms", "streams_open",
                "stream_heap_kb_per_stream", "notify_p99_ms_at_5k_streams");
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        Options options = run.options();
        int pushes = options.count(500, 20);
        int streams = options.count(5000, 50);
        int pushesAtStreams = options.count(200, 20);
        try (RealtimeScenarios realtime = new RealtimeScenarios(run.client(), run.url())) {
            RealtimeScenarios.Notified alone = realtime.notify(pushes);
            results.put("notify_p50_ms", Stats.percentile(alone.event(), 50), "B's push answered → A's changed event,"
                    + " p50 of " + pushes + " (ms)");
            results.put("notify_p99_ms", Stats.percentile(alone.event(), 99), "the same, p99 (ms); target ≤ 100");
            results.put("notify_to_pull_p99_ms", Stats.percentile(alone.pull(), 99), "B's push answered → A's pull"
                    + " triggered by the event returned it, p99 (ms); target ≤ 150");
            List<Double> held = realtime.longPoll(pushesAtStreams);
            System.out.printf("  p50s (ms): the pull made on the event %.2f, the held pull %.2f%n",
                    Stats.percentile(alone.pull(), 50), Stats.percentile(held, 50));
            results.put("longpoll_p99_ms", Stats.percentile(held, 99), "B's push answered → A's held pull (wait_ms"
                    + " 10000) answered with it, p99 of " + pushesAtStreams + " (ms)");

            int accounts = (streams + DEVICES_PER_ACCOUNT - 1) / DEVICES_PER_ACCOUNT;
            long start = System.nanoTime();
            List<String> tokens = RealtimeScenarios.registerDevices(run.client(), accounts, DEVICES_PER_ACCOUNT)
                    .subList(0, streams);
            System.out.printf("  registered %d devices of %d accounts in %.1f s%n", streams, accounts,
                    Stats.millisSince(start) / 1000);
            long heapBefore = run.embedded() ? heapAfterGc() : 0;
            try (IdleStreams idle = new IdleStreams(run.url())) {
                start = System.nanoTime();
                int open = idle.open(tokens);
                System.out.printf("  opened %d idle streams in %.1f s%s%n", open, Stats.millisSince(start) / 1000,
                        idle.refused() == null ? "" : "; refused: " + idle.refused());
                Double kbPerStream = run.embedded() && open > 0
                        ? (heapAfterGc() - heapBefore) / 1024.0 / open : null;
                double serverOpen = serverStreams(run);
                results.put("streams_open", open, "idle streams held at once by the one server process (its"
                        + " syncd_streams_open: " + (Double.isNaN(serverOpen) ? "not readable" : (long) serverOpen)
                        + "); target ≥ 5,000");
                results.put("stream_heap_kb_per_stream", kbPerStream, run.embedded() ? "heap growth per open stream"
                        + " after a GC (KB), server and the bench's socket; target ≤ 20" : "not measurable with --url");
                RealtimeScenarios.Notified crowded = realtime.notify(pushesAtStreams);
                results.put("notify_p99_ms_at_5k_streams", Stats.percentile(crowded.event(), 99), "notify_p99_ms with"
                        + " the " + open + " idle streams open, of " + pushesAtStreams + " pushes; target ≤ 200");
            }
            awaitStreamsClosed(run);
        }
    }

    /** Heap used after full collections: the bench's server runs in this JVM. */
    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The server's own count of open streams, NaN without readable meters. */
    private static double serverStreams(Run run) {
        try {
            return run.client().meters().getOrDefault("syncd_streams_open", Double.NaN);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * Until the server has let the closed streams go, so that the next phase measures a server without them: it sees
     * a device leave as the end of the stream's input, at once. At most 60 s.
     */
    private static void awaitStreamsClosed(Run run) throws InterruptedException {
        long start = System.nanoTime();
        double open = serverStreams(run);
        while (open > 0 && Stats.millisSince(start) < 60_000) {
            Thread.sleep(500);
            open = serverStreams(run);
        }
        System.out.printf("  the server held %s streams %.1f s after they were closed%n",
                Double.isNaN(open) ? "(not readable)" : Long.toString((long) open), Stats.millisSince(start) / 1000);
    }
}

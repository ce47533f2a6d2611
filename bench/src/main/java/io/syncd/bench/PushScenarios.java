package io.syncd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.syncd.common.ContentCoding;

/** The seed's sync (one device, push → decided) and sustained load (16 devices at once). */
final class PushScenarios {
    private static final String BATCH_SECONDS = "syncd_applier_batch_seconds_sum";
    private static final String BATCH_COUNT = "syncd_applier_batch_seconds_count";
    private static final String BATCH_CHANGES = "syncd_applier_batch_changes_sum";
    private final BenchClient client;
    private final Workload workload = new Workload(42);

    PushScenarios(BenchClient client) {
        this.client = client;
    }

    /** Milliseconds from sending a push of {@code size} mixed changes to holding all its decisions. */
    List<Double> latencies(String token, int size, int samples, long[] wireBytes) {
        return latencies(token, size, samples, wireBytes, Workload::push);
    }

    /** {@link #latencies}, each push's body made of its changes by {@code push} (before the clock starts). */
    private List<Double> latencies(String token, int size, int samples, long[] wireBytes,
            Function<List<String>, String> push) {
        List<Double> millis = new ArrayList<>(samples);
        for (int i = 0; i < samples; i++) {
            String body = push.apply(workload.mixedSync(size));
            long start = System.nanoTime();
            BenchClient.Answer answer = client.push(token, body);
            millis.add(Stats.millisSince(start));
            if (wireBytes != null) {
                wireBytes[0] += answer.wireBytes();
            }
        }
        return millis;
    }

    void seedSync(Results results, Options options) throws Exception {
        String token = client.newDevice();
        latencies(token, 50, options.count(40, 10), null); // warm-up: JIT, connections, partition leaders
        int samples = options.count(200, 40);
        List<Double> push1 = latencies(token, 1, samples, null);
        List<Double> push10 = latencies(token, 10, samples, null);
        long[] bytes = {0};
        long start = System.nanoTime();
        CpuMeter.Reading cpuStart = CpuMeter.read();
        List<Double> push50 = latencies(token, 50, samples, bytes);
        CpuMeter.Reading cpu = CpuMeter.read().minus(cpuStart);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] gzipBytes = {0};
        int gzipSamples = options.count(40, 10);
        new PushScenarios(client.encoded(ContentCoding.GZIP)).latencies(token, 50, gzipSamples, gzipBytes);
        // The same pushes from an ink device: strokes_ink in place of strokes, answers asked for in ink.
        long[] inkBytes = {0};
        new PushScenarios(client).latencies(token, 50, gzipSamples, inkBytes, Workload::inkPush);
        InkFigures.Speed ink = InkFigures.speed(31, options.count(3000, 200), options.count(10, 3));
        results.put("push1_p50_ms", Stats.percentile(push1, 50), "push of 1 change → decided, p50 (ms)");
        results.put("push10_p50_ms", Stats.percentile(push10, 50), "push of 10 changes → decided, p50 (ms)");
        results.put("push50_p50_ms", Stats.percentile(push50, 50), "push of 50 mixed changes (notes ~5 KB) → decided, p50 (ms)");
        results.put("push50_p99_ms", Stats.percentile(push50, 99), "same, p99 (ms); target ≤ 50");
        results.put("push50_elsewhere_cpu_pct", 100 * cpu.elsewhereSeconds() / seconds,
                "CPU of the machine outside this JVM and PostgreSQL while the pushes of 50 ran (% of one core)");
        CpuMeter.Other busiest = cpu.busiestOther();
        results.put("push50_busiest_other", busiest == null ? null
                : String.format("%s: %.1f %% of one core", busiest.name(), 100 * busiest.seconds() / seconds),
                "the other process (kernel threads included) that used the most of it");
        results.put("bytes_per_sync50", bytes[0] / samples, "bytes on the wire per 50-change push, zstd both ways");
        results.put("bytes_per_sync50_gzip", gzipBytes[0] / gzipSamples, "the same with gzip both ways");
        results.put("bytes_per_sync50_ink", inkBytes[0] / gzipSamples, "the same pushes with strokes_ink (ink device),"
                + " zstd both ways; target ≤ 0.4 × bytes_per_sync50");
        results.put("ink_encode_mb_per_s", ink.encodeMbPerSecond(),
                "strokes JSON → ink, MB of JSON per CPU second of one thread (the bench's ~5 KB notes)");
        results.put("ink_decode_mb_per_s", ink.decodeMbPerSecond(), "ink → strokes JSON text, MB of JSON per CPU second");
    }

    /**
     * Decided changes per second with {@code devices} devices (own accounts) each pushing 50 events at a time,
     * counted after {@code warmup} seconds of the same load (a fresh JVM spends its first seconds compiling).
     */
    Sustained sustained(int devices, double warmup, double seconds) throws Exception {
        List<String> tokens = new ArrayList<>();
        List<UUID> books = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            String token = client.newDevice();
            UUID book = Workload.id();
            client.push(token, Workload.push(List.of(Workload.change("books", book, 0, Workload.book("load")))));
            tokens.add(token);
            books.add(book);
        }
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong decided = new AtomicLong();
        AtomicInteger threads = new AtomicInteger();
        // Named, so that ThreadCpu counts their CPU as the bench's own and not the server's.
        ExecutorService pool = Executors.newFixedThreadPool(devices,
                task -> new Thread(task, "bench-device-" + threads.incrementAndGet()));
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int d = 0; d < devices; d++) {
                String token = tokens.get(d);
                UUID book = books.get(d);
                Workload own = new Workload(d);
                loops.add(pool.submit(() -> {
                    while (running.get()) {
                        List<String> changes = new ArrayList<>(50);
                        for (int i = 0; i < 50; i++) {
                            changes.add(Workload.change("events", Workload.id(), 0, own.event(book)));
                        }
                        client.push(token, Workload.push(changes));
                        if (measuring.get()) {
                            decided.addAndGet(50);
                        }
                    }
                    return null;
                }));
            }
            client.meters(); // its first run's class loading and recompilation belong to the warm-up, not the measurement
            TimeUnit.MILLISECONDS.sleep((long) (warmup * 1000));
            Map<String, Double> metersStart = client.meters();
            measuring.set(true);
            long start = System.nanoTime();
            CpuMeter.Reading cpuStart = CpuMeter.read();
            Map<String, ThreadCpu.Sample> partsStart = ThreadCpu.read();
            TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
            measuring.set(false);
            CpuMeter.Reading cpu = CpuMeter.read().minus(cpuStart);
            Map<String, ThreadCpu.Sample> parts = ThreadCpu.read();
            double elapsed = (System.nanoTime() - start) / 1e9;
            Map<String, Double> meters = client.meters();
            double busySeconds = delta(metersStart, meters, BATCH_SECONDS);
            double batches = delta(metersStart, meters, BATCH_COUNT);
            double batchChanges = delta(metersStart, meters, BATCH_CHANGES);
            long count = decided.get();
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(2, TimeUnit.MINUTES);
            }
            return new Sustained(count / elapsed, cpu.jvmSeconds() * 1e6 / count, cpu.postgresSeconds() * 1e6 / count,
                    100 * cpu.elsewhereSeconds() / elapsed, 100 * busySeconds / elapsed, batchChanges / batches,
                    ThreadCpu.microsPer(partsStart, parts, count));
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
    }

    /** How much a meter grew; NaN where the server's process has no such meter (a gateway without an applier). */
    private static double delta(Map<String, Double> before, Map<String, Double> after, String meter) {
        return after.getOrDefault(meter, Double.NaN) - before.getOrDefault(meter, Double.NaN);
    }

    /**
     * What a sustained load measured.
     *
     * @param perSecond decided changes per second
     * @param jvmCpuMicros CPU microseconds per decided change of the bench's JVM (client, and the embedded server if any)
     * @param postgresCpuMicros CPU microseconds per decided change of the PostgreSQL processes on this machine
     * @param elsewhereCpuPercent CPU of the machine outside this JVM and PostgreSQL meanwhile, % of one core
     * @param applierBusyPercent share of the time the server's applier consumers spent deciding batches, % of one
     *                           (NaN when the server's process has no applier)
     * @param applierBatchChanges records per batch the appliers decided, on average (NaN likewise)
     * @param jvmCpuMicrosByPart {@code jvmCpuMicros} by the part of the work the JVM's threads do (empty without /proc)
     */
    record Sustained(double perSecond, double jvmCpuMicros, double postgresCpuMicros, double elsewhereCpuPercent,
                     double applierBusyPercent, double applierBatchChanges, Map<ThreadCpu.Part, Double> jvmCpuMicrosByPart) {
    }
}

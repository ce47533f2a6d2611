package io.syncd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's threads by the part of the work they do, read from Linux's {@code /proc/self/task}: with the
 * embedded default, where a decided change's JVM time goes (the request threads, the applier, Kafka, the bench's own
 * load client, the JIT compiler and the garbage collector).
 */
final class ThreadCpu {
    /** What a thread does, told by its name (the kernel keeps its first 15 characters). */
    enum Part {
        REQUESTS("jvm_cpu_us_requests", "Tomcat's threads (HTTP, validating, queueing on Kafka, waiting, answering)"),
        APPLIER("jvm_cpu_us_applier", "the applier's consumer threads (polling, decoding, deciding, writing PostgreSQL)"),
        KAFKA("jvm_cpu_us_kafka", "the embedded broker and the clients' network threads (producer, heartbeats)"),
        BENCH_CLIENT("jvm_cpu_us_bench_client", "the bench's own devices and HTTP client, not the server's"),
        JIT_GC("jvm_cpu_us_jit_gc", "the JIT compilers, the garbage collector and the VM's threads"),
        REST("jvm_cpu_us_rest", "the rest (decision listener, statistics, metrics, traffic publishing)");

        private final String key;
        private final String description;

        Part(String key, String description) {
            this.key = key;
            this.description = description;
        }

        String key() {
            return key;
        }

        String description() {
            return description;
        }
    }

    private static final List<String> KAFKA_PREFIXES = List.of("data-plane", "kafka", "broker", "raft", "quorum",
            "controller", "group-coordinat", "share-", "ExpirationReape", "executor-", "transaction-", "persister",
            "TxnMarker", "LogDirFailure", "metadata", "feature", "node-to-", "ReplicaFetcher");

    private ThreadCpu() {
    }

    static Part partOf(String threadName) {
        if (threadName.startsWith("http-nio")) {
            return Part.REQUESTS;
        }
        if (threadName.startsWith("applier-")) {
            return Part.APPLIER;
        }
        if (threadName.startsWith("bench-") || threadName.startsWith("HttpClient-")) {
            return Part.BENCH_CLIENT;
        }
        if (threadName.contains("CompilerThre") || threadName.startsWith("GC Thread") || threadName.startsWith("G1 ")
                || threadName.startsWith("VM ") || threadName.startsWith("Sweeper")) {
            return Part.JIT_GC;
        }
        return KAFKA_PREFIXES.stream().anyMatch(threadName::startsWith) ? Part.KAFKA : Part.REST;
    }

    /** One live thread's part and its CPU seconds so far. */
    record Sample(Part part, double seconds) {
    }

    /** Every live thread of this JVM by its id, with its CPU seconds so far; empty where /proc is not readable. */
    static Map<String, Sample> read() {
        Map<String, Sample> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    double ticks = CpuMeter.ticks(Files.readString(task.resolve("stat")));
                    if (!Double.isNaN(ticks)) {
                        threads.put(task.getFileName().toString(),
                                new Sample(partOf(name), ticks / CpuMeter.TICKS_PER_SECOND));
                    }
                } catch (IOException gone) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return threads;
    }

    /**
     * Microseconds per unit of work of each part between two readings, thread by thread: a thread started meanwhile
     * counts from zero; one that ended meanwhile is left out (summing each part's totals instead would subtract its
     * whole life's CPU). Empty when either reading is.
     */
    static Map<Part, Double> microsPer(Map<String, Sample> start, Map<String, Sample> end, double units) {
        Map<Part, Double> micros = new EnumMap<>(Part.class);
        if (start.isEmpty() || end.isEmpty()) {
            return micros;
        }
        for (Part part : Part.values()) {
            micros.put(part, 0.0);
        }
        end.forEach((thread, now) -> {
            Sample before = start.get(thread);
            double seconds = now.seconds() - (before == null ? 0 : before.seconds());
            micros.merge(now.part(), seconds * 1e6 / units, Double::sum);
        });
        return micros;
    }
}

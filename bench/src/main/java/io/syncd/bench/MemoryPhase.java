package io.syncd.bench;

import java.lang.management.ManagementFactory;
import java.util.List;

/** Phase 7: the heap the server and the bench hold after the run and a GC. */
final class MemoryPhase implements Phase {
    @Override
    public int number() {
        return 7;
    }

    @Override
    public String title() {
        return "memory";
    }

    @Override
    public List<String> keys() {
        return List.of("heap_mb");
    }

    @Override
    public String notMeasurable(Run run) {
        return run.embedded() ? null : "not measurable with --url";
    }

    @Override
    public void measure(Run run, Results results) {
        System.gc();
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        results.put("heap_mb", used / (1024.0 * 1024.0), "heap used after the run and a GC (MB), server and bench in one JVM");
    }
}

package io.syncd.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Phase 2: sustained load, 16 devices pushing 50 changes at a time; with the embedded default, what it cost in CPU. */
final class SustainedLoadPhase implements Phase {
    @Override
    public int number() {
        return 2;
    }

    @Override
    public String title() {
        return "sustained load: " + Run.DEVICES + " devices pushing 50 changes at a time";
    }

    @Override
    public List<String> keys() {
        List<String> keys = new ArrayList<>(List.of("applied_per_s", "applier_busy_pct", "applier_batch_changes",
                "jvm_cpu_us_per_change"));
        Arrays.stream(ThreadCpu.Part.values()).map(ThreadCpu.Part::key).forEach(keys::add);
        keys.addAll(List.of("pg_cpu_us_per_change", "load_elsewhere_cpu_pct"));
        return keys;
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        PushScenarios.Sustained load = new PushScenarios(run.client()).sustained(Run.DEVICES,
                run.options().loadWarmupSeconds(), run.options().measuredSeconds());
        results.put("applied_per_s", load.perSecond(), "decided changes/s, " + Run.DEVICES + " devices × 50-change pushes");
        results.put("applier_busy_pct", load.applierBusyPercent(),
                "share of the time the applier spent deciding batches (% of one consumer; near 100: the"
                + " applier is the bottleneck)");
        results.put("applier_batch_changes", load.applierBatchChanges(), "records per batch the applier decided");
        // Another process's CPU cannot be told from the bench's own on this machine.
        boolean cpuOfTheServer = run.embedded();
        results.put("jvm_cpu_us_per_change", cpuOfTheServer ? load.jvmCpuMicros() : null,
                cpuOfTheServer ? "CPU µs per decided change: the one JVM of bench client, gateway, Kafka and applier"
                        : "needs the embedded servers");
        for (ThreadCpu.Part part : ThreadCpu.Part.values()) {
            Double micros = cpuOfTheServer ? load.jvmCpuMicrosByPart().get(part) : null;
            results.put(part.key(), micros, "of jvm_cpu_us_per_change: " + part.description());
        }
        results.put("pg_cpu_us_per_change", cpuOfTheServer ? load.postgresCpuMicros() : null,
                cpuOfTheServer ? "CPU µs per decided change: PostgreSQL" : "needs the embedded servers");
        results.put("load_elsewhere_cpu_pct", cpuOfTheServer ? load.elsewhereCpuPercent() : null, cpuOfTheServer
                ? "CPU of the machine outside this JVM and PostgreSQL meanwhile (% of one core)"
                : "needs the embedded servers");
    }
}

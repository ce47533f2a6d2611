package io.syncd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The JVM's CPU told apart by the work of its threads, as the kernel names them (15 characters at most). */
class ThreadCpuTest {

    @Test
    void threadsAreToldApartByTheirNamesAsTheKernelKeepsThem() {
        assertThat(ThreadCpu.partOf("http-nio-auto-1")).isEqualTo(ThreadCpu.Part.REQUESTS);
        assertThat(ThreadCpu.partOf("applier-0")).isEqualTo(ThreadCpu.Part.APPLIER);
        assertThat(ThreadCpu.partOf("data-plane-kafk")).isEqualTo(ThreadCpu.Part.KAFKA);
        assertThat(ThreadCpu.partOf("kafka-producer-")).isEqualTo(ThreadCpu.Part.KAFKA);
        assertThat(ThreadCpu.partOf("group-coordinat")).isEqualTo(ThreadCpu.Part.KAFKA);
        assertThat(ThreadCpu.partOf("bench-device-12")).isEqualTo(ThreadCpu.Part.BENCH_CLIENT);
        assertThat(ThreadCpu.partOf("HttpClient-1-Se")).isEqualTo(ThreadCpu.Part.BENCH_CLIENT);
        assertThat(ThreadCpu.partOf("C2 CompilerThre")).isEqualTo(ThreadCpu.Part.JIT_GC);
        assertThat(ThreadCpu.partOf("GC Thread#0")).isEqualTo(ThreadCpu.Part.JIT_GC);
        assertThat(ThreadCpu.partOf("G1 Refine#0")).isEqualTo(ThreadCpu.Part.JIT_GC);
        assertThat(ThreadCpu.partOf("decision-listen")).isEqualTo(ThreadCpu.Part.REST);
    }

    @Test
    void aThreadsCpuIsCountedInItsPart() throws Exception {
        Map<String, ThreadCpu.Sample> start = ThreadCpu.read();
        AtomicLong sink = new AtomicLong();
        Object done = new Object();
        Thread running = new Thread(() -> { // it burns 0.3 s of CPU, then waits: only a live thread is in /proc
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long until = threads.getCurrentThreadCpuTime() + 300_000_000L;
            long x = 1;
            while (threads.getCurrentThreadCpuTime() < until) {
                x = x * 31 + 7;
            }
            sink.set(x);
            synchronized (done) {
                try {
                    done.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "applier-test");
        running.setDaemon(true);
        running.start();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        while (threads.getThreadCpuTime(running.getId()) < 300_000_000L && running.isAlive()) {
            Thread.onSpinWait();
        }
        Map<String, ThreadCpu.Sample> end = ThreadCpu.read();
        running.interrupt();

        Map<ThreadCpu.Part, Double> micros = ThreadCpu.microsPer(start, end, 1);
        assertThat(micros.get(ThreadCpu.Part.APPLIER)).isGreaterThanOrEqualTo(0.2e6);
        assertThat(micros.get(ThreadCpu.Part.REQUESTS)).isZero();
    }

    @Test
    void aThreadThatEndedInTheWindowSubtractsNothingAndOneStartedInItCountsFromZero() {
        Map<String, ThreadCpu.Sample> start = Map.of(
                "11", new ThreadCpu.Sample(ThreadCpu.Part.REST, 40.0), // a pool thread of an earlier phase
                "12", new ThreadCpu.Sample(ThreadCpu.Part.APPLIER, 10.0));
        Map<String, ThreadCpu.Sample> end = Map.of(
                "12", new ThreadCpu.Sample(ThreadCpu.Part.APPLIER, 10.5),
                "13", new ThreadCpu.Sample(ThreadCpu.Part.REST, 0.25));

        Map<ThreadCpu.Part, Double> micros = ThreadCpu.microsPer(start, end, 1000);

        assertThat(micros.get(ThreadCpu.Part.APPLIER)).isEqualTo(500.0);
        assertThat(micros.get(ThreadCpu.Part.REST)).isEqualTo(250.0);
        assertThat(micros.get(ThreadCpu.Part.KAFKA)).isZero();
    }
}

package io.syncd.projector.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Push latency and pending answers as the console reads them from the gateway's timers. */
class PushLatencyTest {
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100)};

    private static PushLatency over(MeterRegistry registry) {
        return new PushLatency(new StaticListableBeanFactory(Map.of("registry", registry)).getBeanProvider(MeterRegistry.class));
    }

    private static Timer timer(MeterRegistry registry, String outcome) {
        return Timer.builder("syncd.push").tag("outcome", outcome).serviceLevelObjectives(BUCKETS).register(registry);
    }

    @Test
    void quantilesAreInterpolatedWithinTheirBucketAsPrometheusDoes() {
        double[] bounds = {5, 10, 25};
        double[] cumulative = {0, 50, 100};

        assertThat(PushLatency.quantileMs(bounds, cumulative, 100, 0.5)).isCloseTo(10.0, within(1e-9));
        assertThat(PushLatency.quantileMs(bounds, cumulative, 100, 0.25)).isCloseTo(7.5, within(1e-9));
        assertThat(PushLatency.quantileMs(bounds, cumulative, 100, 0.99)).isCloseTo(24.7, within(1e-9));
        assertThat(PushLatency.quantileMs(bounds, new double[] {0, 50, 90}, 100, 0.99))
                .as("past the last bucket: its bound").isEqualTo(25.0);
    }

    @Test
    void thePushesSinceTheStartGiveTheMedianTheTailAndTheShareOfPending() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Timer decided = timer(registry, "decided");
        Timer pending = timer(registry, "pending");
        timer(registry, "unavailable");
        PushLatency latency = over(registry);
        for (int i = 0; i < 90; i++) {
            decided.record(Duration.ofMillis(7));
        }
        for (int i = 0; i < 10; i++) {
            pending.record(Duration.ofMillis(80));
        }

        PushLatency.Figures figures = latency.read();

        assertThat(figures.pushes()).isEqualTo(100);
        assertThat(figures.p50Ms()).isBetween(5.0, 10.0);
        assertThat(figures.p99Ms()).isBetween(50.0, 100.0);
        assertThat(figures.pendingShare()).isCloseTo(0.1, within(1e-9));
        assertThat(figures.note()).isNull();
    }

    @Test
    void withoutAGatewayInTheProcessEveryFigureIsNullAndTheNoteSaysWhy() {
        PushLatency.Figures figures = over(new SimpleMeterRegistry()).read();

        assertThat(figures.pushes()).isNull();
        assertThat(figures.p50Ms()).isNull();
        assertThat(figures.pendingShare()).isNull();
        assertThat(figures.note()).startsWith("the gateway does not run in this process");
    }
}

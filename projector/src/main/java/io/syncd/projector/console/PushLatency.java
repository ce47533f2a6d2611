package io.syncd.projector.console;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * Push latency p50/p99 and the share of {@code pending} answers over the last minutes, from this process's
 * {@code syncd.push} timers (the gateway's, found by name: the projector does not depend on the gateway). The timers
 * count since the process started; the console wants "now", so each reading is kept (one a minute at most) and the
 * figures are the difference from the oldest reading of the last {@link #WINDOW}.
 */
@Component
class PushLatency {
    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final String[] OUTCOMES = {"decided", "pending", "unavailable"};

    private final ObjectProvider<MeterRegistry> registry;
    private final Deque<Reading> readings = new ArrayDeque<>();

    PushLatency(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry;
        // Created with the process's beans, before any push: until it is older than the window, the figures count
        // every push since the start.
        readings.add(new Reading(System.nanoTime(), new double[0], new double[0], new long[OUTCOMES.length]));
    }

    /** Cumulative counts at one moment: per bucket (upper bound in ns) of all outcomes, and pushes per outcome. */
    private record Reading(long atNanos, double[] bounds, double[] cumulative, long[] byOutcome) {
    }

    /**
     * The figures; every number null with {@code note} saying why when this process runs no gateway, or no push
     * was answered in the window.
     */
    record Figures(Long pushes, Double p50Ms, Double p99Ms, Double pendingShare, long windowSeconds, String note) {
    }

    /** Change streams open and pulls held by this process's gateway now; null where no gateway runs in it. */
    record Live(Long streamsOpen, Long pullsHeld) {
    }

    Live live() {
        MeterRegistry meters = registry.getIfAvailable();
        Gauge streams = meters == null ? null : meters.find("syncd.streams.open").gauge();
        Gauge held = meters == null ? null : meters.find("syncd.pulls.held").gauge();
        return new Live(streams == null ? null : (long) streams.value(), held == null ? null : (long) held.value());
    }

    synchronized Figures read() {
        MeterRegistry meters = registry.getIfAvailable();
        Timer[] timers = new Timer[OUTCOMES.length];
        for (int i = 0; i < OUTCOMES.length; i++) {
            timers[i] = meters == null ? null : meters.find("syncd.push").tag("outcome", OUTCOMES[i]).timer();
        }
        if (timers[0] == null) {
            return new Figures(null, null, null, null, WINDOW.toSeconds(), "the gateway does not run in this process:"
                    + " its push latency is in its own /metrics (syncd_push_seconds)");
        }
        long now = System.nanoTime();
        Reading current = reading(now, timers);
        while (readings.size() > 1 && now - readings.peekFirst().atNanos() > WINDOW.toNanos()) {
            readings.pollFirst();
        }
        Reading base = readings.peekFirst();
        if (readings.isEmpty() || now - readings.peekLast().atNanos() >= TimeUnit.MINUTES.toNanos(1)) {
            readings.addLast(current);
        }
        long windowSeconds = base == null ? 0 : TimeUnit.NANOSECONDS.toSeconds(now - base.atNanos());
        long[] pushes = new long[OUTCOMES.length];
        long total = 0;
        for (int i = 0; i < OUTCOMES.length; i++) {
            pushes[i] = current.byOutcome()[i] - (base == null ? 0 : base.byOutcome()[i]);
            total += pushes[i];
        }
        if (total == 0) {
            return new Figures(0L, null, null, null, windowSeconds, "no push was answered in the window");
        }
        double[] counts = new double[current.cumulative().length];
        for (int b = 0; b < counts.length; b++) {
            counts[b] = current.cumulative()[b] - (base == null || base.cumulative().length <= b ? 0 : base.cumulative()[b]);
        }
        return new Figures(total, quantileMs(current.bounds(), counts, total, 0.5),
                quantileMs(current.bounds(), counts, total, 0.99), (double) pushes[1] / total, windowSeconds, null);
    }

    private static Reading reading(long now, Timer[] timers) {
        double[] bounds = null;
        double[] cumulative = null;
        long[] byOutcome = new long[timers.length];
        for (int i = 0; i < timers.length; i++) {
            if (timers[i] == null) {
                continue;
            }
            HistogramSnapshot snapshot = timers[i].takeSnapshot();
            byOutcome[i] = snapshot.count();
            CountAtBucket[] buckets = snapshot.histogramCounts();
            if (bounds == null) {
                bounds = new double[buckets.length];
                cumulative = new double[buckets.length];
                for (int b = 0; b < buckets.length; b++) {
                    bounds[b] = buckets[b].bucket(TimeUnit.MILLISECONDS);
                }
            }
            for (int b = 0; b < buckets.length && b < cumulative.length; b++) {
                cumulative[b] += buckets[b].count();
            }
        }
        return new Reading(now, bounds == null ? new double[0] : bounds, cumulative == null ? new double[0] : cumulative,
                byOutcome);
    }

    /**
     * The quantile as Prometheus' {@code histogram_quantile} estimates it: linear within the bucket it falls in; past
     * the last bucket, that bucket's bound (the most the histogram can tell).
     */
    static Double quantileMs(double[] bounds, double[] cumulative, long total, double q) {
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (int b = 0; b < bounds.length; b++) {
            if (cumulative[b] >= rank) {
                double inBucket = cumulative[b] - lowerCount;
                double fraction = inBucket == 0 ? 1 : (rank - lowerCount) / inBucket;
                return lowerBound + (bounds[b] - lowerBound) * fraction;
            }
            lowerBound = bounds[b];
            lowerCount = cumulative[b];
        }
        return bounds.length == 0 ? null : bounds[bounds.length - 1];
    }
}

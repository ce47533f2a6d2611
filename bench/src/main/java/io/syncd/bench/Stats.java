package io.syncd.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of measured durations. */
final class Stats {
    private Stats() {
    }

    static double percentile(List<Double> values, double p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }

    /** One decimal, two below 10: a ratio of 0.95 must not read 0.9. */
    static double round(double value) {
        return Math.abs(value) < 10 ? Math.round(value * 100) / 100.0 : Math.round(value * 10) / 10.0;
    }

    static double median(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

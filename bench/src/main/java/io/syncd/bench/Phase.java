package io.syncd.bench;

import java.util.List;

/**
 * One step of a run. Every run writes every phase's keys, measured or null with the reason, so that any two runs
 * (quick or full, {@code --only}, {@code --url}) can be compared key by key.
 */
interface Phase {
    int number();

    String title();

    /** Every figure the phase writes, in the order it writes them. */
    List<String> keys();

    /** Why this run cannot measure the phase at all (with --url, in quick mode, without the peer); null if it can. */
    default String notMeasurable(Run run) {
        return null;
    }

    /** Measures and writes exactly {@link #keys()}, in order; a figure it cannot take here is null. */
    void measure(Run run, Results results) throws Exception;
}

package io.syncd.client;

/**
 * A wake-up flag between threads: raising it while it is up changes nothing, so work asked for during a run makes
 * exactly one more run after it, never a queue.
 */
final class Signal {
    private boolean raised;

    synchronized void raise() {
        raised = true;
        notifyAll();
    }

    /** Waits until raised (at most {@code millis}, 0: no limit) and lowers it; false when the wait ran out. */
    synchronized boolean await(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!raised) {
            if (millis <= 0) {
                wait();
            } else {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        raised = false;
        return true;
    }
}

package io.syncd.common;

import java.time.Duration;

/**
 * Tells a worker loop to stop, and gives it a wait between retries that ends the moment it is told: a retry loop
 * backing off for seconds must not hold a shutdown that long. An interrupt of the waiting thread counts as a stop.
 */
public final class StopSignal {
    private volatile boolean stopped;

    public boolean stopped() {
        return stopped;
    }

    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    /** Waits {@code time}, or less when told to stop meanwhile. */
    public synchronized void pause(Duration time) {
        long deadline = System.nanoTime() + time.toNanos();
        try {
            for (long left = time.toNanos(); !stopped && left > 0; left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }
}

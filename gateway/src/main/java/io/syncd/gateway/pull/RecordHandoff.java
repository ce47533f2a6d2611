package io.syncd.gateway.pull;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * The records of one page on their way from the thread reading them to the thread writing them (each as the reader
 * prepared it for writing, {@code T}): a bounded queue,
 * so the reader stays at most {@code capacity} records ahead, ended by the reader (with its failure, if it failed)
 * or cancelled by the writer (when the device went away).
 */
final class RecordHandoff<T> {
    private static final Object END = new Object();
    private static final long CHECK_MILLIS = 100;

    private final BlockingQueue<Object> queue;
    private volatile boolean cancelled;
    private volatile Throwable failure;

    RecordHandoff(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** The reader's: waits for room; throws {@link CancellationException} once the writer has given up. */
    void put(T record) {
        if (!offer(record)) {
            throw new CancellationException("the page's writer has stopped");
        }
    }

    /** Waits for room; false once the writer has given up (also when it did so while this waited). */
    private boolean offer(Object item) {
        try {
            while (!cancelled) {
                if (queue.offer(item, CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                    return !cancelled;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while handing a record over");
        }
    }

    /**
     * The reader's last call: no more records, because the page is complete ({@code failure} null) or it failed.
     * A writer that has given up is told nothing more.
     */
    void end(Throwable failure) {
        this.failure = failure;
        offer(END);
    }

    /** The writer's: the next record, or null after the last one; rethrows the reader's failure. */
    @SuppressWarnings("unchecked") // only put() adds anything but END
    T take() {
        Object next;
        try {
            next = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the page's records", e);
        }
        if (next != END) {
            return (T) next;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return null;
    }

    /** The writer's, when it cannot go on: the reader stops at its next record. */
    void cancel() {
        cancelled = true;
        queue.clear();
    }
}

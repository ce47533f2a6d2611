package io.syncd.applier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Runs this process's applier consumers on their own threads; stops them (batch finished, committed) on shutdown. */
public final class ApplierRole implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ApplierRole.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(25);

    private final List<ChangeConsumer> consumers;
    private final AutoCloseable deadLetters;
    private final BatchApplier applier;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    ApplierRole(List<ChangeConsumer> consumers, AutoCloseable deadLetters, BatchApplier applier) {
        this.consumers = consumers;
        this.deadLetters = deadLetters;
        this.applier = applier;
    }

    @Override
    public synchronized void start() {
        for (int i = 0; i < consumers.size(); i++) {
            Thread thread = new Thread(consumers.get(i), "applier-" + i);
            thread.start();
            threads.add(thread);
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        consumers.forEach(ChangeConsumer::stop);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                log.warn("Applier thread {} did not stop within {} s", thread.getName(), STOP_TIMEOUT.toSeconds());
            }
        }
        try {
            deadLetters.close();
        } catch (Exception e) {
            log.warn("Closing the dead-letter producer failed", e);
        }
        applier.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown ends and long before the data source closes. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    /** Null when every consumer is consuming; else what is wrong, for the health check. */
    public String problem() {
        Instant stale = Instant.now().minusSeconds(30);
        for (ChangeConsumer consumer : consumers) {
            ChangeConsumer.State state = consumer.state();
            if (state == ChangeConsumer.State.RETRYING || state == ChangeConsumer.State.FAILED) {
                return state.name().toLowerCase() + ": " + consumer.lastError();
            }
            if (state == ChangeConsumer.State.CONSUMING && consumer.lastPoll().isBefore(stale)) {
                return "no poll for 30 s";
            }
            if (state != ChangeConsumer.State.CONSUMING) {
                return state.name().toLowerCase();
            }
        }
        return null;
    }
}

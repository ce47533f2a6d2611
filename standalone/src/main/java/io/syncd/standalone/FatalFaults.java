package io.syncd.standalone;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncd.standalone.embedded.FatalFaultListener;

/**
 * What happens when an embedded server fails for good while the process runs (the broker meets a fault Kafka halts
 * on, PostgreSQL exits unasked): {@code /health} answers 503 at once, and {@link #HEALTH_FIRST} later the process stops
 * what it runs and exits with status 1, so that a supervisor restarts it and the restart recovers from the data
 * folder. Going on would serve with a broken broker or no database, and nothing would ever restart them.
 */
final class FatalFaults implements FatalFaultListener {
    private static final Logger log = LoggerFactory.getLogger(FatalFaults.class);
    /** Long enough for load balancers and probes polling /health to see it before the port closes. */
    static final Duration HEALTH_FIRST = Duration.ofSeconds(5);
    /** The stop may hang on the failed server's threads: the JVM is halted once this much more has passed. */
    static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    static final int EXIT_STATUS = 1;

    /** The embedded server that failed ({@code kafka}, {@code postgres}) and why. */
    record Fault(String component, String reason) {
    }

    private final AtomicReference<Fault> first = new AtomicReference<>();
    private final Runnable stop;

    /** @param stop stops everything the process runs; called once, from a thread of its own */
    FatalFaults(Runnable stop) {
        this.stop = stop;
    }

    @Override
    public void fatalFault(String component, String reason) {
        Fault fault = new Fault(component, reason);
        if (!first.compareAndSet(null, fault)) {
            log.error("Fatal fault of the embedded {} while the process stops: {}", component, reason);
            return;
        }
        log.error("Fatal fault of the embedded {}: {}. /health answers 503; the process stops in {} s and exits with "
                + "status {}", component, reason, HEALTH_FIRST.toSeconds(), EXIT_STATUS);
        Thread halt = new Thread(() -> {
            sleep(HEALTH_FIRST.plus(STOP_LIMIT));
            log.error("The process did not stop within {} s of the fatal fault; halting it", STOP_LIMIT.toSeconds());
            Runtime.getRuntime().halt(EXIT_STATUS);
        }, "syncd-fatal-halt");
        halt.setDaemon(true);
        halt.start();
        Thread stopper = new Thread(this::stopAndExit, "syncd-fatal-stop");
        // Not a daemon (as a thread made by the watching daemon would be): once the stop ended every other thread, the
        // JVM would otherwise end by itself, with status 0, before this one exits with 1.
        stopper.setDaemon(false);
        stopper.start();
    }

    /** The fault that is stopping the process, if one is. */
    Optional<Fault> fault() {
        return Optional.ofNullable(first.get());
    }

    private void stopAndExit() {
        sleep(HEALTH_FIRST);
        try {
            stop.run();
        } catch (RuntimeException e) {
            log.error("Stopping after the fatal fault failed", e);
        } finally {
            log.error("Stopped after a fatal fault of the embedded {}; exiting with status {}", first.get().component(),
                    EXIT_STATUS);
            System.exit(EXIT_STATUS);
        }
    }

    /** Sleeps the whole duration: the stop goes ahead whatever interrupts these threads. */
    private static void sleep(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                continue;
            }
        }
    }
}

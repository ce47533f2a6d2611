package io.syncd.gateway.stream;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.syncd.common.SyncTable;
import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.decided.DecisionListener;

/**
 * Long-polls ({@code wait_ms}, PROTOCOL.md "Long-poll"): a pull that would return nothing waits, on the process's
 * decision listener, for a decision of its account in one of its tables, then looks again; never a sleep loop. A held
 * pull holds its request thread, so at most {@link StreamProperties#maxHeldPulls()} are held at once; past that, a
 * pull answers at once as if it had not asked to wait.
 */
@Component
public class HeldPulls {
    private final DecisionListener listener;
    private final int maxHeld;
    private final AtomicInteger held = new AtomicInteger();

    HeldPulls(DecisionListener listener, StreamProperties properties, MeterRegistry registry) {
        this.listener = listener;
        this.maxHeld = properties.maxHeldPulls();
        Gauge.builder("syncd.pulls.held", held, AtomicInteger::get)
                .description("Pulls with wait_ms held open, waiting for a change").register(registry);
    }

    /**
     * Returns once {@code anyChanges} says yes, or {@code wait} has passed, or at once when no pull may be held now.
     * Listens before the first look, so a decision made between a look and the wait is not missed.
     */
    public void awaitChanges(UUID accountId, Set<SyncTable> tables, Duration wait, BooleanSupplier anyChanges) {
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        if (held.incrementAndGet() > maxHeld) {
            held.decrementAndGet();
            return;
        }
        Set<SyncTable> wanted = Collections.unmodifiableSet(EnumSet.copyOf(tables));
        Semaphore woken = new Semaphore(0);
        try (DecisionListener.Subscription subscription = listener.subscribe(accountId, signal -> {
            if (concerns(signal, wanted)) {
                woken.release();
            }
        }, woken::release)) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (!anyChanges.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !woken.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
                woken.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            held.decrementAndGet();
        }
    }

    private static boolean concerns(DecidedSignal signal, Set<SyncTable> tables) {
        for (SyncTable table : signal.tables()) {
            if (tables.contains(table)) {
                return true;
            }
        }
        return false;
    }
}

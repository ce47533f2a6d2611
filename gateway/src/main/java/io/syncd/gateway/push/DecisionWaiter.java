package io.syncd.gateway.push;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeResult;
import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.decided.DecisionListener;
import io.syncd.store.synclog.DecisionsTable;

/**
 * Waits, bounded, for the applier's decisions on a push. The applier's transaction announces on
 * {@code sync_decided} ({@link DecidedSignal}) the versions of the changes it applied, per account; the process's
 * {@link DecisionListener} hands them to the waits of those accounts. A wait reads {@code sync_log} only for what a
 * signal could not carry (conflicts, rejections, changes decided before), after the listener reconnected (signals may
 * have been missed), and every {@link #FALLBACK_POLL} without a signal, so a lost notification costs latency, never a
 * decision.
 */
@Component
public final class DecisionWaiter {
    private static final Logger log = LoggerFactory.getLogger(DecisionWaiter.class);
    private static final Duration FALLBACK_POLL = Duration.ofMillis(250);

    private final DecisionListener listener;
    private final DecisionsTable decisions;

    DecisionWaiter(DecisionListener listener, DecisionsTable decisions) {
        this.listener = listener;
        this.decisions = decisions;
    }

    /**
     * Starts listening for the decisions of these changes of one account. Call before the changes are sent, so that a
     * decision made before {@link Wait#await} is called is still seen; close it when done.
     */
    public Wait expect(UUID accountId, List<ChangeEvent> changes) {
        return new Wait(accountId, changes);
    }

    /** One push's wait for its decisions. */
    public final class Wait implements AutoCloseable {
        private final UUID accountId;
        private final Map<UUID, ChangeEvent> expected = new HashMap<>();
        private final Semaphore signal = new Semaphore(0);
        /** Versions of expected changes that signals announced applied, not yet taken by {@link #await}. */
        private final Map<UUID, Long> announced = new ConcurrentHashMap<>();
        /** A signal of the account left decisions out, or signals may have been missed: read sync_log. */
        private final AtomicBoolean lookup = new AtomicBoolean();
        private final DecisionListener.Subscription subscription;

        private Wait(UUID accountId, List<ChangeEvent> changes) {
            this.accountId = accountId;
            changes.forEach(change -> expected.put(change.changeId(), change));
            subscription = listener.subscribe(accountId, this::offer, this::missed);
        }

        /** Called by the listener with a signal of this wait's account. */
        private void offer(DecidedSignal decided) {
            decided.applied().forEach((change, version) -> {
                if (expected.containsKey(change)) {
                    announced.put(change, version);
                }
            });
            if (!decided.complete()) {
                lookup.set(true);
            }
            signal.release();
        }

        /** Called by the listener when it listens again: signals of this wait's account may have been missed. */
        private void missed() {
            lookup.set(true);
            signal.release();
        }

        /**
         * The results known within {@code wait}, in the order of the changes; a change whose decision is not known by
         * then is {@code pending}. {@code sync_log} is read when a signal of the account left decisions out, and after
         * every {@link #FALLBACK_POLL} without any signal, in case one was lost.
         */
        public Map<UUID, ChangeResult> await(Duration wait) {
            Map<UUID, ChangeResult> found = new HashMap<>();
            Set<UUID> remaining = new LinkedHashSet<>(expected.keySet());
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    boolean signalled = signal.tryAcquire(Math.max(0, Math.min(left, FALLBACK_POLL.toNanos())),
                            TimeUnit.NANOSECONDS);
                    signal.drainPermits();
                    for (UUID change : List.copyOf(announced.keySet())) {
                        Long version = announced.remove(change);
                        if (remaining.remove(change)) {
                            found.put(change, ChangeResults.applied(expected.get(change), version));
                        }
                    }
                    if (!remaining.isEmpty() && (lookup.getAndSet(false) || !signalled)) {
                        try {
                            Map<UUID, ChangeResult> decided = decisions.find(accountId, remaining);
                            found.putAll(decided);
                            remaining.removeAll(decided.keySet());
                        } catch (DataAccessException e) {
                            // The changes are on Kafka already; without the database their decisions are not known.
                            log.warn("Cannot read decisions ({}); answering pending", e.getMessage());
                            return found;
                        }
                    }
                    if (remaining.isEmpty() || deadline - System.nanoTime() <= 0) {
                        return found;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }

        @Override
        public void close() {
            subscription.close();
        }
    }
}

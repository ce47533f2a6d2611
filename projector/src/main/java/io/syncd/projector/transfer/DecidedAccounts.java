package io.syncd.projector.transfer;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.decided.DecisionListener;

/**
 * Tells an import when the applier decided something of its account: the process's {@link DecisionListener} hands
 * the account's {@code sync_decided} signals ({@link DecidedSignal}) to its watch, so an import reads {@code sync_log}
 * once per signal rather than on a timer. A watch also wakes when the listener listens again after an outage (signals
 * may have been missed), and after {@link #FALLBACK_POLL} without a signal, so a lost notification or listening
 * connection costs latency, never a stuck import.
 */
@Component
class DecidedAccounts {
    static final Duration FALLBACK_POLL = Duration.ofSeconds(1);

    private final DecisionListener listener;
    private final ConcurrentMap<UUID, Watch> watches = new ConcurrentHashMap<>();

    DecidedAccounts(DecisionListener listener) {
        this.listener = listener;
    }

    /** Starts hearing the account's decisions; open it before reading what is decided, so nothing after is missed. */
    Watch watch(UUID accountId) {
        Watch watch = new Watch(accountId);
        if (watches.putIfAbsent(accountId, watch) != null) {
            watch.close();
            // AccountImport runs one import per account at a time; a second watch would steal the first's signals.
            throw new IllegalStateException("account " + accountId + " is watched already");
        }
        return watch;
    }

    /** One import's ear on its account's decisions. */
    final class Watch implements AutoCloseable {
        private final UUID accountId;
        private final Semaphore signal = new Semaphore(0);
        private final DecisionListener.Subscription subscription;

        private Watch(UUID accountId) {
            this.accountId = accountId;
            this.subscription = listener.subscribe(accountId, decided -> signal.release(), signal::release);
        }

        /**
         * Returns when the applier announced decisions of the account since the last call, or the listener listens
         * again after missing signals (true), or after at most {@code wait}, capped at {@link #FALLBACK_POLL} (false).
         */
        boolean awaitSignal(Duration wait) throws InterruptedException {
            long nanos = Math.max(0, Math.min(wait.toNanos(), FALLBACK_POLL.toNanos()));
            boolean signalled = signal.tryAcquire(nanos, TimeUnit.NANOSECONDS);
            signal.drainPermits();
            return signalled;
        }

        @Override
        public void close() {
            subscription.close();
            watches.remove(accountId, this);
        }
    }
}

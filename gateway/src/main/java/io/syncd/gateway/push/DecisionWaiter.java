package io.syncd.gateway.push;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeResult;
import io.syncd.common.DecidedSignal;
import io.syncd.store.synclog.DecisionsTable;

/**
 * Waits, bounded, for the applier's decisions on a push. The applier's transaction announces on
 * {@code sync_decided} ({@link DecidedSignal}) the versions of the changes it applied, per account; one listening
 * connection hands them to the waiters of those accounts. A waiter reads {@code sync_log} only for what a signal
 * could not carry (conflicts, rejections, changes decided before), and every {@link #FALLBACK_POLL} without a signal,
 * so a lost notification costs latency, never a decision.
 */
@Component
public final class DecisionWaiter implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(DecisionWaiter.class);
    private static final Duration FALLBACK_POLL = Duration.ofMillis(250);

    private final DataSource dataSource;
    private final DecisionsTable decisions;
    /**
     * The waits of each account. A set is added to and emptied only inside the map's per-key compute, so a wait cannot
     * join a set that a closing wait is taking out of the map (it would then hear no signal).
     */
    private final ConcurrentMap<UUID, Set<Wait>> waiters;
    private volatile boolean running;
    private Thread listener;

    @Autowired
    DecisionWaiter(DataSource dataSource, DecisionsTable decisions) {
        this(dataSource, decisions, new ConcurrentHashMap<>());
    }

    /** @param waiters an empty map; tests pass one that lets another thread act between its steps */
    DecisionWaiter(DataSource dataSource, DecisionsTable decisions, ConcurrentMap<UUID, Set<Wait>> waiters) {
        this.dataSource = dataSource;
        this.decisions = decisions;
        this.waiters = waiters;
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
        /** A signal of the account left decisions out: read sync_log. */
        private final AtomicBoolean lookup = new AtomicBoolean();

        private Wait(UUID accountId, List<ChangeEvent> changes) {
            this.accountId = accountId;
            changes.forEach(change -> expected.put(change.changeId(), change));
            waiters.compute(accountId, (a, set) -> {
                Set<Wait> joined = set == null ? new CopyOnWriteArraySet<>() : set;
                joined.add(this);
                return joined;
            });
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
            waiters.computeIfPresent(accountId, (a, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }

    @Override
    public void start() {
        running = true;
        listener = new Thread(this::listen, "decision-listener");
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Keeps listening until in-flight pushes have had their answer (after the web server's graceful shutdown). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    private void listen() {
        while (running) {
            try (Connection conn = dataSource.getConnection()) {
                try (Statement st = conn.createStatement()) {
                    st.execute("LISTEN " + io.syncd.common.Topics.DECIDED_CHANNEL);
                }
                PGConnection pg = conn.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        wake(n.getParameter());
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("Listening for decisions failed ({}); waiters poll every {} ms until it is back",
                            e.getMessage(), FALLBACK_POLL.toMillis());
                    pause();
                }
            }
        }
    }

    private void wake(String payload) {
        for (DecidedSignal decided : DecidedSignal.decode(payload)) {
            Set<Wait> set = waiters.get(decided.accountId());
            if (set != null) {
                set.forEach(wait -> wait.offer(decided));
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

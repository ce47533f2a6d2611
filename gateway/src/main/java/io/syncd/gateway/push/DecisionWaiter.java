package io.syncd.gateway.push;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.dao.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import tools.jackson.databind.node.ObjectNode;

/**
 * Waits, bounded, for the applier's decisions on a push. The applier's transaction sends {@code NOTIFY sync_decided}
 * naming the accounts of its batch; one listening connection wakes the waiters of those accounts, which then read
 * {@code sync_log}. Waiters also re-read every {@link #FALLBACK_POLL}, so a lost notification costs latency, never
 * a decision.
 */
@Component
public final class DecisionWaiter implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(DecisionWaiter.class);
    private static final Duration FALLBACK_POLL = Duration.ofMillis(250);

    private final DataSource dataSource;
    private final DecisionsTable decisions;
    private final Map<UUID, Set<Semaphore>> waiters = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread listener;

    DecisionWaiter(DataSource dataSource, DecisionsTable decisions) {
        this.dataSource = dataSource;
        this.decisions = decisions;
    }

    /**
     * Starts listening for an account's decisions. Call before the changes are sent, so that a decision made before
     * {@link Wait#await} is called still wakes it; close it when done.
     */
    public Wait expect(UUID accountId) {
        return new Wait(accountId);
    }

    /** One push's wait for its decisions. */
    public final class Wait implements AutoCloseable {
        private final UUID accountId;
        private final Semaphore signal = new Semaphore(0);
        private final Set<Semaphore> accountWaiters;

        private Wait(UUID accountId) {
            this.accountId = accountId;
            this.accountWaiters = waiters.computeIfAbsent(accountId, a -> new CopyOnWriteArraySet<>());
            accountWaiters.add(signal);
        }

        /**
         * The decisions known within {@code wait}, by change id; changes missing from the map are still pending.
         * {@code sync_log} is read when the applier signals a decided batch of the account (it also signals when it
         * skips a change decided before), and every {@link #FALLBACK_POLL} in case a signal was lost.
         */
        public Map<UUID, ObjectNode> await(Collection<UUID> changeIds, Duration wait) {
            Map<UUID, ObjectNode> found = new HashMap<>();
            Set<UUID> remaining = new LinkedHashSet<>(changeIds);
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    signal.tryAcquire(Math.max(0, Math.min(left, FALLBACK_POLL.toNanos())), TimeUnit.NANOSECONDS);
                    signal.drainPermits();
                    Map<UUID, ObjectNode> decided;
                    try {
                        decided = decisions.find(accountId, remaining);
                    } catch (DataAccessException e) {
                        // The changes are on Kafka already; without the database their decisions are simply not known.
                        log.warn("Cannot read decisions ({}); answering pending", e.getMessage());
                        return found;
                    }
                    found.putAll(decided);
                    remaining.removeAll(decided.keySet());
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
            accountWaiters.remove(signal);
            waiters.computeIfPresent(accountId, (a, set) -> set.isEmpty() ? null : set);
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
        for (String id : payload.split(",")) {
            Set<Semaphore> set;
            try {
                set = waiters.get(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (set != null) {
                new ArrayList<>(set).forEach(Semaphore::release);
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

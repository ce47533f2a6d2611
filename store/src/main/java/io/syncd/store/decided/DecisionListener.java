package io.syncd.store.decided;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.syncd.common.Backoff;

/**
 * The one listener of a process for the applier's decided signals: one connection runs {@code LISTEN} on
 * {@link DecidedSignal#CHANNEL} and hands each signal to the subscribers of its account (a push waiting for its
 * decisions, an import waiting for its account's, …). When the connection fails it reconnects with a {@link Backoff};
 * each time it starts listening it tells every subscriber, which then reads what it may have missed meanwhile.
 * Subscribers never depend on it alone: each also reads on a timer of its own, so a lost signal or an outage costs
 * latency, never an answer.
 *
 * <p>The callbacks run on the listener's thread: they must be quick and must not block (wake a waiting thread).
 */
public final class DecisionListener implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(DecisionListener.class);
    private static final Backoff RECONNECT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private static final int POLL_MILLIS = 500;

    private final DataSource dataSource;
    /**
     * The subscriptions of each account. A set is added to and emptied only inside the map's per-key compute, so a
     * subscription cannot join a set that a closing one is taking out of the map (it would then hear no signal).
     */
    private final ConcurrentMap<UUID, Set<Subscription>> subscriptions;
    private volatile boolean running;
    private Thread thread;

    public DecisionListener(DataSource dataSource) {
        this(dataSource, new ConcurrentHashMap<>());
    }

    /** @param subscriptions an empty map; tests pass one that lets another thread act between its steps */
    DecisionListener(DataSource dataSource, ConcurrentMap<UUID, Set<Subscription>> subscriptions) {
        this.dataSource = dataSource;
        this.subscriptions = subscriptions;
    }

    /**
     * Hands the account's signals to {@code onDecided} until the subscription is closed. Subscribe before reading what
     * is decided, so that a decision made after the read is still heard.
     *
     * @param onDecided   called with each signal of the account
     * @param onReconnect called each time the listener starts listening (again): signals sent while it was not were
     *                    missed, so the subscriber reads what it waits for
     */
    public Subscription subscribe(UUID accountId, Consumer<DecidedSignal> onDecided, Runnable onReconnect) {
        Subscription subscription = new Subscription(accountId, onDecided, onReconnect);
        subscriptions.compute(accountId, (a, set) -> {
            Set<Subscription> joined = set == null ? new CopyOnWriteArraySet<>() : set;
            joined.add(subscription);
            return joined;
        });
        return subscription;
    }

    /** One subscriber's registration for an account's signals. */
    public final class Subscription implements AutoCloseable {
        private final UUID accountId;
        private final Consumer<DecidedSignal> onDecided;
        private final Runnable onReconnect;

        private Subscription(UUID accountId, Consumer<DecidedSignal> onDecided, Runnable onReconnect) {
            this.accountId = accountId;
            this.onDecided = onDecided;
            this.onReconnect = onReconnect;
        }

        @Override
        public void close() {
            subscriptions.computeIfPresent(accountId, (a, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::listen, "decision-listener");
        thread.setDaemon(true);
        // Only an Error gets this far (the loop catches every exception): it is logged, not lost.
        thread.setUncaughtExceptionHandler((t, e) -> log.error("The decision listener stopped", e));
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt(); // ends a backoff pause; a wait for notifications ends within POLL_MILLIS
            try {
                thread.join(4L * POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Stops with the web server (its phase), so after the web server's graceful shutdown (phase
     * {@code Integer.MAX_VALUE - 1024}) has let the requests in flight finish: a push still waiting for its decisions
     * keeps hearing them until it is answered, instead of falling back to reading {@code sync_log} on a timer.
     */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    private void listen() {
        int failures = 0;
        long failedSince = 0;
        while (running) {
            try (Connection conn = dataSource.getConnection()) {
                try (Statement st = conn.createStatement()) {
                    st.execute("LISTEN " + DecidedSignal.CHANNEL);
                }
                PGConnection pg = conn.unwrap(PGConnection.class);
                if (failures > 0) {
                    log.info("Listening for decided changes again, {} ms after it failed",
                            (System.nanoTime() - failedSince) / 1_000_000);
                    failures = 0;
                }
                try {
                    reconnected();
                    while (running) {
                        PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                        if (notifications != null) {
                            for (PGNotification notification : notifications) {
                                deliver(notification.getParameter());
                            }
                        }
                    }
                } finally {
                    unlisten(conn);
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (++failures == 1) {
                    failedSince = System.nanoTime();
                }
                // Once per outage: retries fail the same way until it is over, and the info above ends it.
                if (failures == 1 && e instanceof SQLException) {
                    log.warn("Listening for decided changes failed ({}); its subscribers read on their timers until"
                            + " it is back", e.getMessage());
                } else if (failures == 1) {
                    log.error("Listening for decided changes failed unexpectedly; listening again", e);
                } else {
                    log.debug("Listening for decided changes failed again ({})", e.toString());
                }
                pause(RECONNECT.delayAfter(failures));
            }
        }
    }

    /** The connection goes back to the pool: its next user must not collect the signals. */
    private static void unlisten(Connection conn) {
        try (Statement st = conn.createStatement()) {
            st.execute("UNLISTEN *");
        } catch (SQLException e) {
            // A broken connection listens no more; the pool drops it.
        }
    }

    /** Tells every subscriber that the listener (re)started listening: whatever was sent before may be missed. */
    private void reconnected() {
        for (Set<Subscription> set : subscriptions.values()) {
            for (Subscription subscription : set) {
                call(subscription.onReconnect);
            }
        }
    }

    private void deliver(String payload) {
        for (DecidedSignal decided : DecidedSignal.decode(payload)) {
            Set<Subscription> set = subscriptions.get(decided.accountId());
            if (set != null) {
                for (Subscription subscription : set) {
                    call(() -> subscription.onDecided.accept(decided));
                }
            }
        }
    }

    /** One subscriber's failure is its own: the others, and the listener, go on. */
    private static void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.error("A subscriber of decided changes failed", e);
        }
    }

    private void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            // Only stop() interrupts, after clearing running: the loop ends.
        }
    }
}

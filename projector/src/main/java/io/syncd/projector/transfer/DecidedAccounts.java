package io.syncd.projector.transfer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.syncd.common.DecidedSignal;
import io.syncd.common.Topics;

/**
 * Tells an import when the applier decided something of its account: one connection listens on
 * {@code sync_decided} ({@link DecidedSignal}) and wakes the account's watch, so an import reads {@code sync_log} once
 * per signal rather than on a timer. A watch also wakes after {@link #FALLBACK_POLL} without a signal, so a lost
 * notification or listening connection costs latency, never a stuck import.
 */
@Component
class DecidedAccounts implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(DecidedAccounts.class);
    static final Duration FALLBACK_POLL = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final ConcurrentMap<UUID, Watch> watches = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread listener;

    DecidedAccounts(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Starts hearing the account's decisions; open it before reading what is decided, so nothing after is missed. */
    Watch watch(UUID accountId) {
        Watch watch = new Watch(accountId);
        if (watches.putIfAbsent(accountId, watch) != null) {
            // AccountImport runs one import per account at a time; a second watch would steal the first's signals.
            throw new IllegalStateException("account " + accountId + " is watched already");
        }
        return watch;
    }

    /** One import's ear on its account's decisions. */
    final class Watch implements AutoCloseable {
        private final UUID accountId;
        private final Semaphore signal = new Semaphore(0);

        private Watch(UUID accountId) {
            this.accountId = accountId;
        }

        /**
         * Returns when the applier announced decisions of the account since the last call (true), or after at most
         * {@code wait}, capped at {@link #FALLBACK_POLL} (false).
         */
        boolean awaitSignal(Duration wait) throws InterruptedException {
            long nanos = Math.max(0, Math.min(wait.toNanos(), FALLBACK_POLL.toNanos()));
            boolean signalled = signal.tryAcquire(nanos, TimeUnit.NANOSECONDS);
            signal.drainPermits();
            return signalled;
        }

        @Override
        public void close() {
            watches.remove(accountId, this);
        }
    }

    @Override
    public void start() {
        running = true;
        listener = new Thread(this::listen, "import-decision-listener");
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

    private void listen() {
        while (running) {
            try (Connection conn = dataSource.getConnection()) {
                try (Statement st = conn.createStatement()) {
                    st.execute("LISTEN " + Topics.DECIDED_CHANNEL);
                }
                PGConnection pg = conn.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            wake(n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("Listening for decisions failed ({}); imports read sync_log every {} ms until it is back",
                            e.getMessage(), FALLBACK_POLL.toMillis());
                    pause();
                }
            }
        }
    }

    private void wake(String payload) {
        for (DecidedSignal decided : DecidedSignal.decode(payload)) {
            Watch watch = watches.get(decided.accountId());
            if (watch != null) {
                watch.signal.release();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(FALLBACK_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.syncd.store.decided;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.Function;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The process's one listener for decided changes, on a real PostgreSQL: who hears what, and after an outage. */
class DecisionListenerTest {
    private static final Duration HEARD_WITHIN = Duration.ofSeconds(30);

    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static JdbcClient jdbc;

    private DecisionListener listener;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        jdbc = JdbcClient.create(dataSource);
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @AfterEach
    void stopListener() {
        if (listener != null) {
            listener.stop();
        }
    }

    private DecisionListener start(DecisionListener started) {
        listener = started;
        started.start();
        return started;
    }

    @Test
    void aSignalReachesEverySubscriberOfItsAccountAndNoOther() {
        DecisionListener listener = start(new DecisionListener(dataSource));
        UUID account = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Recorder first = new Recorder(listener, account);
        Recorder second = new Recorder(listener, account);
        Recorder closed = new Recorder(listener, account);
        Recorder otherAccount = new Recorder(listener, other);
        closed.subscription.close();

        UUID change = announceUntilHeard(account, first);
        await().atMost(HEARD_WITHIN).until(() -> second.heard(change));
        // One connection delivers in order: once the other account's signal is heard, every earlier one was handed out.
        announceUntilHeard(other, otherAccount);

        assertThat(first.accounts()).as("accounts of the signals the first subscriber heard").containsOnly(account);
        assertThat(second.accounts()).as("accounts of the signals the second subscriber heard").containsOnly(account);
        assertThat(otherAccount.accounts()).as("accounts of the signals the other account's subscriber heard")
                .containsOnly(other);
        assertThat(closed.signals).as("signals heard by a closed subscription").isEmpty();
    }

    @Test
    void aSubscriptionRegisteredWhileTheAccountsLastOtherClosesStillHearsItsSignal() {
        InterleavingMap subscriptions = new InterleavingMap();
        DecisionListener listener = start(new DecisionListener(dataSource, subscriptions));
        UUID account = UUID.randomUUID();
        Recorder leaving = new Recorder(listener, account);
        // The account's only other subscription closes right after the map handed the new one its account's set.
        subscriptions.afterLookup = leaving.subscription::close;
        Recorder joining = new Recorder(listener, account);
        subscriptions.afterLookup = null;

        announceUntilHeard(account, joining);

        joining.subscription.close();
        assertThat(subscriptions).as("no account keeps an empty set once its subscriptions closed")
                .doesNotContainKey(account);
    }

    @Test
    void afterTheListeningConnectionIsKilledEverySubscriberIsToldAndLaterSignalsArrive() {
        DecisionListener listener = start(new DecisionListener(dataSource));
        UUID account = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        List<Recorder> subscribers = List.of(new Recorder(listener, account), new Recorder(listener, account),
                new Recorder(listener, other));
        announceUntilHeard(account, subscribers.get(0));
        announceUntilHeard(other, subscribers.get(2));
        int[] before = subscribers.stream().mapToInt(s -> s.reconnects.get()).toArray();

        int killed = jdbc.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()").query(Integer.class).single();

        assertThat(killed).as("listening connections killed").isPositive();
        await().atMost(HEARD_WITHIN).untilAsserted(() -> {
            for (int i = 0; i < subscribers.size(); i++) {
                assertThat(subscribers.get(i).reconnects.get()).as("times subscriber %d was told of a reconnect", i)
                        .isGreaterThan(before[i]);
            }
        });
        // Told after it listens again: one announcement is enough now.
        UUID change = announce(account);
        UUID otherChange = announce(other);
        await().atMost(HEARD_WITHIN).untilAsserted(() -> {
            assertThat(subscribers.get(0).heard(change)).as("first subscriber heard the later signal").isTrue();
            assertThat(subscribers.get(1).heard(change)).as("second subscriber heard the later signal").isTrue();
            assertThat(subscribers.get(2).heard(otherChange)).as("other account's subscriber heard its later signal")
                    .isTrue();
        });
    }

    @Test
    void aSubscriberThatThrowsStopsNeitherTheOthersNorTheListener() {
        DecisionListener listener = start(new DecisionListener(dataSource));
        UUID account = UUID.randomUUID();
        // Subscribed first, so it is called first.
        listener.subscribe(account, signal -> {
            throw new IllegalStateException("a broken subscriber");
        }, () -> {
            throw new IllegalStateException("a broken subscriber");
        });
        Recorder healthy = new Recorder(listener, account);
        announceUntilHeard(account, healthy);

        UUID change = announce(account);
        UUID later = announce(account);

        await().atMost(HEARD_WITHIN).untilAsserted(() -> assertThat(healthy.heard(change) && healthy.heard(later))
                .as("both signals sent after the listener was listening heard").isTrue());
        assertThat(healthy.reconnects.get()).as("reconnects told: the first LISTEN at most").isLessThanOrEqualTo(1);
    }

    @Test
    void anOutageIsLoggedOnceAndItsEndOnce() {
        AtomicInteger failuresLeft = new AtomicInteger(4);
        DataSource failing = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && failuresLeft.getAndDecrement() > 0) {
                        throw new SQLException("the database is away");
                    }
                    try {
                        return method.invoke(dataSource, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Logger logger = (Logger) LoggerFactory.getLogger(DecisionListener.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            DecisionListener listener = start(new DecisionListener(failing));
            UUID account = UUID.randomUUID();
            Recorder subscriber = new Recorder(listener, account);

            announceUntilHeard(account, subscriber);

            assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .as("what four failed attempts in a row logged").satisfiesExactly(
                            failed -> assertThat(failed.getFormattedMessage()).isEqualTo("Listening for decided"
                                    + " changes failed (the database is away); its subscribers read on their timers"
                                    + " until it is back"),
                            back -> assertThat(back.getFormattedMessage())
                                    .startsWith("Listening for decided changes again, "));
            assertThat(logged.list.get(0).getLevel()).isEqualTo(Level.WARN);
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aStoppedListenerHandsItsConnectionBackListeningNoMore() throws Exception {
        try (Connection pooled = dataSource.getConnection()) {
            // A pool of one: closing the connection hands it back, open, for its next user.
            DataSource pool = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("getConnection")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                                (c, m, a) -> {
                                    if (m.getName().equals("close")) {
                                        return null;
                                    }
                                    try {
                                        return m.invoke(pooled, a);
                                    } catch (InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
                    });
            DecisionListener listener = start(new DecisionListener(pool));
            UUID account = UUID.randomUUID();
            announceUntilHeard(account, new Recorder(listener, account));

            listener.stop();
            announce(account);

            PGNotification[] left = pooled.unwrap(PGConnection.class).getNotifications(1000);
            assertThat(left).as("signals the pool's next user of the connection collects").isNullOrEmpty();
        }
    }

    /** Announces complete signals of the account, a new change each, until the recorder heard one; returns that one. */
    private static UUID announceUntilHeard(UUID account, Recorder recorder) {
        // Announced until heard: the listener may not be listening yet when the first one is sent.
        long deadline = System.nanoTime() + HEARD_WITHIN.toNanos();
        while (System.nanoTime() - deadline < 0) {
            UUID change = announce(account);
            long heardBy = System.nanoTime() + Duration.ofMillis(300).toNanos();
            while (System.nanoTime() - heardBy < 0) {
                if (recorder.heard(change)) {
                    return change;
                }
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
        }
        throw new AssertionError("no signal of account " + account + " heard within " + HEARD_WITHIN);
    }

    private static UUID announce(UUID account) {
        UUID change = UUID.randomUUID();
        String payload = DecidedSignal.encode(List.of(new DecidedSignal(account, true, Map.of(change, 1L)))).get(0);
        jdbc.sql("SELECT pg_notify(:channel, :payload)").param("channel", DecidedSignal.CHANNEL)
                .param("payload", payload).query(String.class).single();
        return change;
    }

    /** A subscriber that keeps what it was told. */
    private static final class Recorder {
        final List<DecidedSignal> signals = new CopyOnWriteArrayList<>();
        final AtomicInteger reconnects = new AtomicInteger();
        final DecisionListener.Subscription subscription;

        Recorder(DecisionListener listener, UUID account) {
            subscription = listener.subscribe(account, signals::add, reconnects::incrementAndGet);
        }

        boolean heard(UUID change) {
            return signals.stream().anyMatch(signal -> signal.applied().containsKey(change));
        }

        Set<UUID> accounts() {
            return signals.stream().map(DecidedSignal::accountId).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** Runs {@link #afterLookup} on the registering thread right after the map returns an account's set. */
    private static final class InterleavingMap extends ConcurrentHashMap<UUID, Set<DecisionListener.Subscription>> {
        volatile Runnable afterLookup;

        @Override
        public Set<DecisionListener.Subscription> computeIfAbsent(UUID key,
                Function<? super UUID, ? extends Set<DecisionListener.Subscription>> mapping) {
            Set<DecisionListener.Subscription> set = super.computeIfAbsent(key, mapping);
            interleave();
            return set;
        }

        @Override
        public Set<DecisionListener.Subscription> compute(UUID key, BiFunction<? super UUID,
                ? super Set<DecisionListener.Subscription>, ? extends Set<DecisionListener.Subscription>> remapping) {
            Set<DecisionListener.Subscription> set = super.compute(key, remapping);
            interleave();
            return set;
        }

        private void interleave() {
            Runnable step = afterLookup;
            if (step != null) {
                afterLookup = null;
                step.run();
            }
        }
    }
}

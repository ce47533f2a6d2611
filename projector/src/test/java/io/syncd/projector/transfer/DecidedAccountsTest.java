package io.syncd.projector.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.decided.DecisionListener;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** An import's watch hears its account's {@code sync_decided} signals, on a real PostgreSQL. */
class DecidedAccountsTest {
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static DecisionListener listener;
    private static DecidedAccounts accounts;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        listener = new DecisionListener(dataSource);
        listener.start();
        accounts = new DecidedAccounts(listener);
        // Listening before any test watches: its first LISTEN wakes the watches open then (they may have missed one).
        UUID probe = UUID.randomUUID();
        AtomicBoolean heard = new AtomicBoolean();
        try (DecisionListener.Subscription s = listener.subscribe(probe, signal -> heard.set(true), () -> { })) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                announce("?" + probe);
                return heard.get();
            });
        }
    }

    @AfterAll
    static void stop() throws IOException {
        listener.stop();
        postgres.close();
    }

    @Test
    void aWatchWakesOnASignalOfItsAccountAndNotOnAnotherAccountsSignal() throws Exception {
        UUID account = UUID.randomUUID();
        try (DecidedAccounts.Watch watch = accounts.watch(account)) {
            // Announced until heard: the listener may not be listening yet when the first one is sent.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                announce("+" + account + " " + UUID.randomUUID() + ":1");
                return watch.awaitSignal(Duration.ofMillis(300));
            });
            // The first signal may have been heard twice: take what is left before checking another account's.
            watch.awaitSignal(Duration.ofMillis(300));

            announce("?" + UUID.randomUUID());

            assertThat(watch.awaitSignal(Duration.ofMillis(500))).as("woken by another account's signal").isFalse();
            announce("?" + account);
            assertThat(watch.awaitSignal(Duration.ofSeconds(30))).as("woken by its account's signal").isTrue();
        }
    }

    @Test
    void aWatchWithoutSignalsWakesAfterTheFallbackPollAtTheLatest() throws Exception {
        try (DecidedAccounts.Watch watch = accounts.watch(UUID.randomUUID())) {
            long started = System.nanoTime();

            assertThat(watch.awaitSignal(Duration.ofMinutes(5))).isFalse();

            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(DecidedAccounts.FALLBACK_POLL.minusMillis(50))
                    .isLessThan(DecidedAccounts.FALLBACK_POLL.multipliedBy(5));
        }
    }

    @Test
    void anAccountIsWatchedOnceAtATimeAndAgainOnceTheWatchCloses() {
        UUID account = UUID.randomUUID();
        DecidedAccounts.Watch first = accounts.watch(account);

        assertThatThrownBy(() -> accounts.watch(account)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(account.toString());
        first.close();
        accounts.watch(account).close();
    }

    private static void announce(String payload) {
        JdbcClient.create(dataSource).sql("SELECT pg_notify(:channel, :payload)")
                .param("channel", DecidedSignal.CHANNEL).param("payload", payload).query(String.class).single();
    }
}

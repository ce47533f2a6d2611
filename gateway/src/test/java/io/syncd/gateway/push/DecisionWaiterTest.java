package io.syncd.gateway.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.DecidedSignal;
import io.syncd.common.SyncTable;
import io.syncd.common.Topics;
import io.syncd.store.synclog.DecisionsTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A push's wait hears its account's {@code sync_decided} signals, on a real PostgreSQL. The signals announced here are
 * never written to {@code sync_log}, so a wait that did not hear them answers {@code pending}.
 */
class DecisionWaiterTest {
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(dataSource).load().migrate();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void aWaitRegisteredWhileTheAccountsLastOtherWaitClosesStillHearsItsSignal() throws Exception {
        UUID account = UUID.randomUUID();
        ChangeEvent change = upsert(account);
        InterleavingMap waiters = new InterleavingMap();
        DecisionWaiter waiter = new DecisionWaiter(dataSource, new DecisionsTable(JdbcClient.create(dataSource)), waiters);
        waiter.start();
        try {
            DecisionWaiter.Wait leaving = waiter.expect(account, List.of(upsert(account)));
            // The account's only other wait closes right after the map handed the new wait its account's set.
            waiters.afterLookup = leaving::close;
            try (DecisionWaiter.Wait joining = waiter.expect(account, List.of(change))) {
                waiters.afterLookup = null;

                // Announced until heard: the listener may not be listening yet when the first one is sent.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    announceApplied(account, change.changeId(), 7);
                    assertThat(joining.await(Duration.ofMillis(300))).as("results heard by the wait")
                            .containsKey(change.changeId());
                });
            }
            assertThat(waiters).as("no account keeps an empty set once its waits closed").doesNotContainKey(account);
        } finally {
            waiter.stop();
        }
    }

    private static ChangeEvent upsert(UUID account) {
        return new ChangeEvent(UUID.randomUUID(), account, account, SyncTable.BOOKS, ChangeOp.UPSERT, UUID.randomUUID(),
                0, "{}", Instant.now());
    }

    private static void announceApplied(UUID account, UUID changeId, long version) throws Exception {
        String payload = DecidedSignal.encode(List.of(new DecidedSignal(account, true, Map.of(changeId, version)))).get(0);
        try (Connection conn = dataSource.getConnection();
             PreparedStatement notify = conn.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, Topics.DECIDED_CHANNEL);
            notify.setString(2, payload);
            notify.execute();
        }
    }

    /** Runs {@link #afterLookup} on the registering thread right after the map returns an account's set. */
    private static final class InterleavingMap extends ConcurrentHashMap<UUID, Set<DecisionWaiter.Wait>> {
        volatile Runnable afterLookup;

        @Override
        public Set<DecisionWaiter.Wait> computeIfAbsent(UUID key,
                Function<? super UUID, ? extends Set<DecisionWaiter.Wait>> mapping) {
            Set<DecisionWaiter.Wait> set = super.computeIfAbsent(key, mapping);
            interleave();
            return set;
        }

        @Override
        public Set<DecisionWaiter.Wait> compute(UUID key,
                BiFunction<? super UUID, ? super Set<DecisionWaiter.Wait>, ? extends Set<DecisionWaiter.Wait>> remapping) {
            Set<DecisionWaiter.Wait> set = super.compute(key, remapping);
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

package io.syncd.gateway.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.SyncTable;
import io.syncd.gateway.TestDatabase;
import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.decided.DecisionListener;
import io.syncd.store.synclog.DecisionsTable;

/**
 * A push's wait hears its account's {@code sync_decided} signals, on a real PostgreSQL. The signals announced here are
 * never written to {@code sync_log}, so a wait that did not hear them answers {@code pending}.
 */
class DecisionWaiterTest {
    private static DataSource dataSource;

    @BeforeAll
    static void startDatabase() {
        dataSource = TestDatabase.dataSource();
    }

    @Test
    void aWaitAnswersWhatItsAccountsSignalAnnouncedAndIsDeafToAnotherAccounts() throws Exception {
        UUID account = UUID.randomUUID();
        ChangeEvent change = upsert(account);
        ChangeEvent unheard = upsert(account);
        DecisionListener listener = new DecisionListener(dataSource);
        listener.start();
        DecisionWaiter waiter = new DecisionWaiter(listener, new DecisionsTable(JdbcClient.create(dataSource)));
        try (DecisionWaiter.Wait wait = waiter.expect(account, List.of(change, unheard))) {
            // Announced until heard: the listener may not be listening yet when the first one is sent.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                announceApplied(account, change.changeId(), 7);
                assertThat(wait.await(Duration.ofMillis(300))).as("results heard by the wait")
                        .containsEntry(change.changeId(), ChangeResults.applied(change, 7));
            });
            announceApplied(UUID.randomUUID(), unheard.changeId(), 8);

            assertThat(wait.await(Duration.ofMillis(600))).as("results of another account's signal")
                    .doesNotContainKey(unheard.changeId());
        } finally {
            listener.stop();
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
            notify.setString(1, DecidedSignal.CHANNEL);
            notify.setString(2, payload);
            notify.execute();
        }
    }
}

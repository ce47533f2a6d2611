package io.syncd.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncd.edge.errors.ApiException;
import io.syncd.gateway.TestDatabase;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.decided.DecisionListener;
import io.syncd.store.devices.DevicesTable;

/**
 * A change stream whose request is never upgraded (the upgrade failed, or the device left before Tomcat handed over
 * its socket) is forgotten after the upgrade limit, and its place under {@code sync.stream.max-connections} is free
 * again. On a real PostgreSQL, with an active device, so that the revocation check does not close it first.
 */
class StreamHubTest {
    private static DataSource dataSource;

    @BeforeAll
    static void startDatabase() {
        dataSource = TestDatabase.dataSource();
    }

    @Test
    void aStreamNeverUpgradedIsForgottenAndItsPlaceFreed() {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        AccountsTable accounts = new AccountsTable(jdbc);
        DevicesTable devices = new DevicesTable(jdbc);
        UUID account = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        accounts.insert(account, "stream test", new byte[32]);
        devices.insert(device, account, "phone", "test", new byte[32]);
        DecisionListener listener = new DecisionListener(dataSource);
        listener.start();
        StreamHub hub = new StreamHub(listener, accounts, devices,
                new StreamProperties(Duration.ofSeconds(20), 1, Duration.ofMillis(5), 100), new SimpleMeterRegistry());
        hub.start();
        try {
            AuthenticatedDevice phone = new AuthenticatedDevice(device, account);
            hub.open(phone, null);
            assertThat(hub.openStreams()).isEqualTo(1);
            assertThatThrownBy(() -> hub.open(phone, null)).as("the one place is taken")
                    .isInstanceOf(ApiException.class);

            await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
                assertThat(hub.openStreams()).as("streams held").isZero();
                assertThat(hub.byDevice(account)).as("the account's streams").isEmpty();
            });
            assertThat(devices.revokedAmong(List.of(device))).as("closed as never upgraded, not as revoked").isEmpty();
            hub.open(phone, null);
            assertThat(hub.openStreams()).as("the place is free again").isEqualTo(1);
        } finally {
            hub.stop();
            listener.stop();
        }
    }
}

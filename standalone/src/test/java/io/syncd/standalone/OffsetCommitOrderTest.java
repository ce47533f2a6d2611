package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.JsonNode;

/**
 * Guarantee 1 in the quick suite: the applier commits a batch's Kafka offsets only after PostgreSQL committed it. An
 * applier whose transaction fails after its poll is stopped, and the applier that takes over its partitions (a new
 * consumer in the group) must still receive and decide the change. Had the first committed the offsets before its
 * transaction, the change would be acknowledged to the device and never decided.
 */
class OffsetCommitOrderTest {
    private static final String REFUSAL = "refused by OffsetCommitOrderTest";

    @Test
    void aChangeWhoseTransactionFailedIsDecidedByTheApplierThatTakesOverItsPartition(@TempDir Path dataDir)
            throws Exception {
        int kafkaPort = ServerProcess.freePort();
        int postgresPort = ServerProcess.freePort();
        try (SyncServer gateway = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir,
                "--sync.admin-token=t", "--sync.roles=gateway", "--sync.gateway.decision-wait=1s",
                "--sync.embedded.kafka-port=" + kafkaPort, "--sync.embedded.postgres-port=" + postgresPort);
                Connection admin = connect(gateway.infrastructure().database())) {
            Api api = apiOf(gateway);
            Api.Device device = api.newDevice();
            UUID changeId = UUID.randomUUID();
            refuseApplyTransactions(admin, device.accountId());

            try (SyncServer first = startApplier(dataDir.resolve("first"), dataDir)) {
                JsonNode queued = api.push(device, Api.change(changeId, "books", "upsert", UUID.randomUUID(), 0,
                        book("b"))).body().get("results").get(0);
                assertThat(queued.get("status").stringValue()).isEqualTo("pending");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    JsonNode applier = apiOf(first).get("/health", null).body().get("components").get("applier");
                    assertThat(applier.get("status").stringValue()).isEqualTo("DOWN");
                    assertThat(applier.get("reason").stringValue()).as("the transaction of the polled change failed")
                            .contains(REFUSAL);
                });
            }
            allowApplyTransactions(admin);

            try (SyncServer second = startApplier(dataDir.resolve("second"), dataDir)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Api.Response lookup = api.get("/api/sync/changes/" + changeId, device.token());
                    assertThat(lookup.status()).as(lookup.text()).isEqualTo(200);
                    assertThat(lookup.body().get("status").stringValue()).as(lookup.text()).isEqualTo("applied");
                });
            }
        }
    }

    /** An applier joined to the gateway's embedded servers with the settings it wrote into its data folder. */
    private static SyncServer startApplier(Path dataDir, Path gatewayDataDir) {
        return SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir, "--sync.roles=applier",
                "--sync.admin-token=t", "--sync.applier.max-retry-backoff=200ms",
                "--spring.config.import=file:" + gatewayDataDir.resolve("join.properties"));
    }

    private static Api apiOf(SyncServer server) {
        return new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
    }

    private static Connection connect(EmbeddedDatabase database) throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }

    /**
     * Every apply transaction of the account fails where it stores the account's change sequence, after the change
     * was polled and decided in memory: a transient failure (a serialization failure), so the applier retries it.
     */
    private static void refuseApplyTransactions(Connection admin, String accountId) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE FUNCTION refuse_apply() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " RAISE EXCEPTION '" + REFUSAL + "' USING ERRCODE = 'serialization_failure'; END $$");
            statement.execute("CREATE TRIGGER refuse_apply BEFORE UPDATE ON accounts FOR EACH ROW"
                    + " WHEN (OLD.id = '" + UUID.fromString(accountId) + "') EXECUTE FUNCTION refuse_apply()");
        }
    }

    private static void allowApplyTransactions(Connection admin) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("DROP TRIGGER refuse_apply ON accounts");
            statement.execute("DROP FUNCTION refuse_apply()");
        }
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.JsonNode;

/**
 * Roles in separate processes (here: two servers in this JVM): a gateway-only server on the embedded Kafka and
 * PostgreSQL answers {@code pending} while no applier runs, and an applier-only server joining them with the file the
 * gateway wrote ({@code join.properties}: addresses, the PostgreSQL password, the Kafka login) decides.
 */
class SeparateRolesTest {

    private static Api apiOf(SyncServer server) {
        return new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
    }

    @Test
    void aGatewayWithoutApplierAnswersPendingUntilAnApplierJoinsItsKafkaAndPostgres(@TempDir Path dataDir) throws Exception {
        int kafkaPort = ServerProcess.freePort();
        int postgresPort = ServerProcess.freePort();
        try (SyncServer gateway = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir,
                "--sync.admin-token=t", "--sync.roles=gateway", "--sync.gateway.decision-wait=1s",
                "--sync.embedded.kafka-port=" + kafkaPort, "--sync.embedded.postgres-port=" + postgresPort,
                "--sync.embedded.postgres-shared-buffers-mb=64")) {
            assertThat(gateway.infrastructure().kafka().port()).isEqualTo(kafkaPort);
            assertThat(gateway.infrastructure().database().port()).isEqualTo(postgresPort);
            EmbeddedDatabase database = gateway.infrastructure().database();
            try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(),
                    database.password());
                    Statement statement = connection.createStatement();
                    ResultSet shown = statement.executeQuery("SHOW shared_buffers")) {
                assertThat(shown.next()).isTrue();
                assertThat(shown.getString(1)).isEqualTo("64MB");
            }
            Api api = apiOf(gateway);
            Api.Device device = api.newDevice();
            UUID changeId = UUID.randomUUID();

            JsonNode queued = api.push(device, Api.change(changeId, "books", "upsert", UUID.randomUUID(), 0, book("b")))
                    .body().get("results").get(0);
            assertThat(queued.get("status").stringValue()).isEqualTo("pending");
            assertThat(queued.get("table").stringValue()).isEqualTo("books");
            assertThat(api.get("/api/sync/changes/" + changeId, device.token()).body().get("status").stringValue())
                    .isEqualTo("pending");
            assertThat(api.get("/health", null).body().get("components").has("applier")).isFalse();

            try (SyncServer applier = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir.resolve("other"),
                    "--sync.roles=applier", "--sync.admin-token=t",
                    "--spring.config.import=file:" + dataDir.resolve("join.properties"))) {
                assertThat(applier.infrastructure().kafka()).as("no embedded Kafka with an external address").isNull();
                assertThat(applier.infrastructure().database()).as("no embedded PostgreSQL with an external URL").isNull();
                assertThat(applier.context().containsBean("changeProducer")).as("no gateway in an applier").isFalse();

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                        api.get("/api/sync/changes/" + changeId, device.token()).body().get("status").stringValue())
                        .isEqualTo("applied"));
                assertThat(apiOf(applier).get("/health", null).body().get("components").has("applier")).isTrue();
                assertThat(apiOf(applier).get("/api/accounts", null).status()).isEqualTo(404);

                // Each process serves the metrics of the roles it runs.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    PrometheusScrape applierMetrics = PrometheusScrape.of(apiOf(applier), "t");
                    assertThat(applierMetrics.sum("syncd_decisions_total", "table", "books", "status", "applied"))
                            .isEqualTo(1);
                    assertThat(applierMetrics.has("syncd_applier_lag")).isTrue();
                    assertThat(applierMetrics.has("syncd_push_seconds_count")).isFalse();
                });
                PrometheusScrape gatewayMetrics = PrometheusScrape.of(api, "t");
                assertThat(gatewayMetrics.sum("syncd_push_seconds_count", "outcome", "pending")).isEqualTo(1);
                assertThat(gatewayMetrics.has("syncd_decisions_total")).isFalse();
                assertThat(gatewayMetrics.has("syncd_applier_lag")).isFalse();
            }
        }
    }
}

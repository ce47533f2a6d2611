package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.common.Topics;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default keeps everything across a restart on the same data folder (statistics included, each
 * change and request counted once), and health tells failures.
 */
class RestartTest {

    private static Api apiOf(SyncServer server) {
        return new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
    }

    private static SyncServer start(Path dataDir) {
        return SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir, "--sync.admin-token=t",
                "--logging.level.io.syncd.gateway.requests=WARN");
    }

    @Test
    void aRestartOnTheSameFolderKeepsAccountsRecordsTopicsAndOffsets(@TempDir Path dataDir) throws Exception {
        Api.Device device;
        UUID bookId = UUID.randomUUID();
        Map<TopicPartition, OffsetAndMetadata> offsetsBefore;
        try (SyncServer first = start(dataDir)) {
            Api api = apiOf(first);
            device = api.newDevice();
            assertThat(api.push(device, upsert("books", bookId, 0, book("kept"))).body().get("results").get(0)
                    .get("status").stringValue()).isEqualTo("applied");
            // The offset commit follows the database commit the push's answer waited for.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(committedOffsets(first).values()).anySatisfy(o -> assertThat(o.offset()).isPositive()));
            offsetsBefore = committedOffsets(first);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(statistics(api, device)).as("pushes, pulls, applied").containsExactly(1L, 0L, 1L));
        }

        try (SyncServer second = start(dataDir)) {
            Api api = apiOf(second);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(api.get("/health", null).status()).isEqualTo(200));
            assertThat(committedOffsets(second)).containsAllEntriesOf(offsetsBefore);
            assertThat(api.pullAll(device, null).records()).extracting(r -> r.get("data").get("name").stringValue())
                    .containsExactly("kept");
            assertThat(api.push(device, upsert("books", bookId, 1, book("edited after restart"))).body()
                    .get("results").get(0).get("version").longValue()).isEqualTo(2);
            // Counted once each: folded before the restart and not again after it (the cursors are stored with them).
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(statistics(api, device)).as("pushes, pulls, applied").containsExactly(2L, 1L, 2L));
            try (Connection db = DriverManager.getConnection(second.infrastructure().database().jdbcUrl(),
                    second.infrastructure().database().username(), second.infrastructure().database().password());
                 ResultSet rs = db.createStatement().executeQuery(
                         "SELECT count(*), bool_and(success) FROM flyway_schema_history WHERE version IS NOT NULL")) {
                rs.next();
                assertThat(rs.getInt(1)).as("each migration applied once").isEqualTo(
                        countMigrations());
                assertThat(rs.getBoolean(2)).isTrue();
            }
        }
    }

    @Test
    void healthIsUpWithEveryComponentAndTurns503NamingPostgresWhenItIsGone(@TempDir Path dataDir) {
        try (SyncServer server = start(dataDir)) {
            Api api = apiOf(server);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Api.Response up = api.get("/health", null);
                assertThat(up.status()).isEqualTo(200);
                assertThat(up.body().get("status").stringValue()).isEqualTo("UP");
                assertThat(up.body().get("components").propertyNames()).contains("postgres", "kafka", "applier");
            });

            server.infrastructure().database().close();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Api.Response down = api.get("/health", null);
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.body().get("status").stringValue()).isEqualTo("DOWN");
                assertThat(down.body().get("components").get("postgres").get("status").stringValue()).isEqualTo("DOWN");
            });
        }
    }

    private static List<Long> statistics(Api api, Api.Device device) {
        JsonNode stats = api.get("/api/admin/stats?account_id=" + device.accountId(), "t").body();
        return List.of(stats.get("totals").get("pushes").longValue(), stats.get("totals").get("pulls").longValue(),
                stats.get("totals").get("applied").longValue());
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(SyncServer server) throws Exception {
        try (Admin admin = Admin.create(server.infrastructure().kafka().clientProperties())) {
            return admin.listConsumerGroupOffsets(Topics.APPLIER_GROUP).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** The SQL migrations and the Java ones (V12 converts stored strokes with the ink codec). */
    private static int countMigrations() throws Exception {
        int count = 0;
        for (Path folder : List.of(Path.of("..", "migrations", "src", "main", "resources", "db", "migration"),
                Path.of("..", "migrations", "src", "main", "java", "db", "migration"))) {
            try (var files = java.nio.file.Files.list(folder)) {
                count += (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.(sql|java)")).count();
            }
        }
        return count;
    }
}

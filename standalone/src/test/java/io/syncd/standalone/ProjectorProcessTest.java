package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.JsonNode;

/**
 * The root address answers what a process serves, whatever its roles; and a projector-only process as
 * docker-compose runs it: joined to Kafka and PostgreSQL by address, its secrets read from files named for their
 * properties (the image imports {@code /run/secrets/} as a config tree), never from its command line.
 */
class ProjectorProcessTest {
    private final Api api = TestServer.api();

    @Test
    void theRootAddressOfAServerWithEveryRoleLinksHealthMetricsAndBothApis() {
        Api.Response root = api.get("/", null);

        assertThat(root.status()).as(root.text()).isEqualTo(200);
        assertThat(root.contentType()).startsWith("application/json");
        assertThat(root.body().get("roles")).extracting(JsonNode::stringValue)
                .containsExactly("gateway", "applier", "projector");
        assertThat(root.body().get("links").get("health").stringValue()).isEqualTo("/health");
        assertThat(root.body().get("links").get("metrics").stringValue()).isEqualTo("/metrics");
        assertThat(root.body().get("api").propertyNames()).containsExactly("devices", "operators");
        assertThat(root.body().get("docs").stringValue()).contains("PROTOCOL.md");
        assertThat(api.get(root.body().get("links").get("health").stringValue(), null).status()).isEqualTo(200);
    }

    @Test
    void aProjectorOnlyProcessTakesItsSecretsFromFilesAndAnswersItsRootAddress(@TempDir Path dir) throws Exception {
        SyncServer shared = TestServer.server();
        EmbeddedDatabase database = shared.infrastructure().database();
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        // As docker compose writes a secret: the value and a newline.
        Files.writeString(secrets.resolve("sync.admin-token"), "token-from-a-file\n");
        Files.writeString(secrets.resolve("spring.datasource.password"), database.password() + "\n");
        Map<String, Object> kafka = shared.infrastructure().kafka().clientProperties();
        Files.writeString(secrets.resolve("spring.kafka.properties.sasl.jaas.config"), kafka.get("sasl.jaas.config") + "\n");

        try (SyncServer projector = SyncServer.start("--server.port=0", "--sync.data-dir=" + dir.resolve("data"),
                "--sync.roles=projector", "--spring.config.import=optional:configtree:" + secrets + "/",
                "--spring.kafka.bootstrap-servers=" + shared.infrastructure().kafka().bootstrapServers(),
                "--spring.kafka.security.protocol=" + kafka.get("security.protocol"),
                "--spring.kafka.properties.sasl.mechanism=" + kafka.get("sasl.mechanism"),
                "--spring.datasource.url=" + database.jdbcUrl(), "--spring.datasource.username=" + database.username())) {
            Api own = new Api("http://127.0.0.1:"
                    + ((WebServerApplicationContext) projector.context()).getWebServer().getPort());

            assertThat(own.get("/api/admin/stats", "token-from-a-file").status()).isEqualTo(200);
            assertThat(own.get("/api/admin/stats", TestServer.ADMIN_TOKEN).status()).isEqualTo(401);
            assertThat(dir.resolve("data").resolve("admin-token")).as("no token generated beside the file's")
                    .doesNotExist();
            Api.Response root = own.get("/", null);
            assertThat(root.status()).as(root.text()).isEqualTo(200);
            assertThat(root.body().get("roles")).extracting(JsonNode::stringValue).containsExactly("projector");
            assertThat(root.body().get("api").propertyNames()).containsExactly("operators");
            assertThat(own.get("/health", null).status()).isEqualTo(200);
            // The console, as docker-compose's operator opens it: served here; no gateway here, so no push figures.
            assertThat(root.body().get("links").get("console").stringValue()).isEqualTo("/admin");
            assertThat(own.get("/admin", null).status()).isEqualTo(200);
            JsonNode push = own.get("/api/admin/write-path", "token-from-a-file").body().get("push");
            assertThat(push.get("p50_ms").isNull()).isTrue();
            assertThat(push.get("pending_share").isNull()).isTrue();
            assertThat(push.get("note").stringValue()).startsWith("the gateway does not run in this process");
            assertThat(own.get("/api/admin/overview", "token-from-a-file").body().get("components").get("applier")
                    .get("status").stringValue()).as("the shared server's appliers, seen from here").isEqualTo("UP");
        }
    }
}

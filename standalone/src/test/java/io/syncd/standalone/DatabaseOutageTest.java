package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.standalone.embedded.EmbeddedDatabase;

/**
 * Guarantee 1 while PostgreSQL is down: devices keep pushing (their tokens were verified before), Kafka takes the
 * changes and the answer is {@code pending}; the applier retries without committing offsets, and once PostgreSQL is
 * back every acknowledged change is decided, once.
 */
class DatabaseOutageTest {

    @Test
    void changesAcknowledgedWhilePostgresIsDownAreAllDecidedWhenItReturns(@TempDir Path dataDir) throws Exception {
        // A connection attempt to the stopped database fails after 500 ms instead of 3 s: quick requests in the outage.
        try (SyncServer server = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir, "--sync.admin-token=t",
                "--sync.gateway.decision-wait=1s", "--sync.applier.max-retry-backoff=500ms",
                "--spring.datasource.hikari.connection-timeout=500")) {
            Api api = new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
            Api.Device device = api.newDevice();
            UUID bookId = UUID.randomUUID();
            assertThat(api.push(device, upsert("books", bookId, 0, book("v1"))).body().get("results").get(0)
                    .get("status").stringValue()).isEqualTo("applied");
            int port = server.infrastructure().database().port();

            server.infrastructure().database().close();
            List<UUID> acknowledged = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                UUID changeId = UUID.randomUUID();
                Api.Response push = api.push(device, Api.change(changeId, "events", "upsert", UUID.randomUUID(), 0,
                        Api.event(bookId, "during outage " + i)));
                assertThat(push.status()).as(push.text()).isEqualTo(200);
                assertThat(push.body().get("results").get(0).get("status").stringValue()).isEqualTo("pending");
                acknowledged.add(changeId);
            }
            Api.Response health = api.get("/health", null);
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body().get("components").get("postgres").get("status").stringValue()).isEqualTo("DOWN");
            assertThat(api.get("/api/sync/changes/" + acknowledged.get(0), device.token()).status())
                    .as("a lookup without the database is unavailable, never a false 404").isEqualTo(503);
            Api.Response pull = api.post("/api/sync/pull", device.token(), "{}");
            assertThat(pull.status()).as("a pull fails whole before its page is streamed: " + pull.text()).isEqualTo(503);
            assertThat(pull.body().get("code").stringValue()).isEqualTo("unavailable");

            try (EmbeddedDatabase restarted = EmbeddedDatabase.start(dataDir.resolve("postgres"), port)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(api.get("/health", null).status()).isEqualTo(200));
                UUID after = UUID.randomUUID();
                acknowledged.add(after);
                api.push(device, Api.change(after, "events", "upsert", UUID.randomUUID(), 0, Api.event(bookId, "after")));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (UUID changeId : acknowledged) {
                        Api.Response lookup = api.get("/api/sync/changes/" + changeId, device.token());
                        assertThat(lookup.status()).as("acknowledged change %s is known: %s", changeId, lookup.text())
                                .isEqualTo(200);
                        assertThat(lookup.body().get("status").stringValue()).isEqualTo("applied");
                    }
                });
                assertThat(api.pullAll(device, null, "events").records()).hasSize(acknowledged.size());
            }
        }
    }
}

package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * A server limiting each device to a burst of 3 requests and 1 a second, and each address's calls without a token
 * (account creation, registration) to a burst of 6 and 1 a second: over it is 429 with Retry-After.
 */
class RateLimitTest {
    private static final int BURST = 3;
    private static final int ADDRESS_BURST = 6;
    private static SyncServer server;
    private static Api api;

    @TempDir
    static Path tempDir;

    @BeforeAll
    static void start() throws Exception {
        Path dataDir = tempDir;
        server = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir, "--sync.admin-token=t",
                "--sync.roles=gateway,applier", "--sync.gateway.rate-limit.enabled=true",
                "--sync.gateway.rate-limit.burst=" + BURST, "--sync.gateway.rate-limit.requests-per-second=1",
                "--sync.gateway.address-rate-limit.burst=" + ADDRESS_BURST,
                "--sync.gateway.address-rate-limit.requests-per-second=1");
        api = new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Api.Response pull(Api.Device device) {
        return api.post("/api/sync/pull", device.token(), "{\"cursor\":null}");
    }

    @Test
    void aDeviceOverItsBurstIsRateLimitedAloneUntilItsBucketRefills() {
        Api.Device limited = api.newDevice();
        Api.Device other = api.sibling(limited);
        PrometheusScrape before = PrometheusScrape.of(api, "t");

        for (int i = 0; i < BURST; i++) {
            assertThat(pull(limited).status()).as("request %d of the burst", i + 1).isEqualTo(200);
        }
        // One request a second refills the bucket: a few more requests at loopback speed surely find it empty.
        Api.Response refused = null;
        for (int i = 0; i < 5 && refused == null; i++) {
            Api.Response response = pull(limited);
            refused = response.status() == 429 ? response : null;
        }

        assertThat(refused).as("a request over the burst is refused").isNotNull();
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.code()).isEqualTo("rate_limited");
        long retryAfter = Long.parseLong(refused.raw().headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).as("whole seconds until one request is allowed again").isEqualTo(1);
        assertThat(pull(other).status()).as("another device of the same account has its own bucket").isEqualTo(200);
        assertThat(api.get("/health", null).status()).as("not a device call").isEqualTo(200);

        await().pollDelay(Duration.ofSeconds(retryAfter)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(pull(limited).status()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                PrometheusScrape.of(api, "t").sum("http_server_requests_seconds_count", "uri", "/api/sync/pull", "status", "429")
                        - before.sum("http_server_requests_seconds_count", "uri", "/api/sync/pull", "status", "429"))
                .isEqualTo(1));
    }

    @Test
    void aRateLimitedPushQueuesNothing() {
        Api.Device device = api.newDevice();
        UUID changeId = UUID.randomUUID();
        Api.Response push = null;
        // A token refills every second: on a slow machine one may come back between the burst spent and the push,
        // which then goes through (a new change id each time, so only the refused one is looked up).
        for (int attempt = 0; attempt < 5 && (push == null || push.status() != 429); attempt++) {
            for (int i = 0; i < BURST + 5 && pull(device).status() != 429; i++) {
                // spend the burst
            }
            changeId = UUID.randomUUID();
            push = api.push(device, Api.change(changeId, "books", "upsert", UUID.randomUUID(), 0, Api.book("too soon")));
        }

        assertThat(push.status()).isEqualTo(429);
        UUID refused = changeId;
        // The lookup answers 404 only once everything queued for the account is decided: the change never arrived.
        await().pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(api.get("/api/sync/changes/" + refused, device.token()).status())
                        .isEqualTo(404));
    }

    @Test
    void callsWithoutATokenAreLimitedPerAddressWhileDevicesGoOn() {
        Api.Device device = api.newDevice();
        Api.Response refused = null;
        for (int i = 0; i < 3 * ADDRESS_BURST && refused == null; i++) {
            // Both calls draw on one bucket; an invalid registration counts like any other call.
            Api.Response response = i % 2 == 0 ? api.post("/api/accounts", null, "{\"name\":\"signup " + i + "\"}")
                    : api.post("/api/devices/register", null, "{}");
            assertThat(response.status()).as(response.text()).isIn(201, 400, 429);
            refused = response.status() == 429 ? response : null;
        }

        assertThat(refused).as("an address over its burst is refused").isNotNull();
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(refused.raw().headers().firstValue("Retry-After")).hasValue("1");
        assertThat(pull(device).status()).as("a device is limited by its own bucket, not its address").isEqualTo(200);
        assertThat(api.get("/health", null).status()).isEqualTo(200);
    }
}

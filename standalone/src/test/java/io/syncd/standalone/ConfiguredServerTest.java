package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.common.ContentCoding;
import io.syncd.common.Json;

/**
 * A server with non-default configuration: admin-only signup, CORS, a small body limit, metrics open to any scraper,
 * sign-in with an identity provider that makes no accounts (and is down at first); and Kafka going away.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfiguredServerTest {
    private static final String ADMIN = "configured-admin-token";
    private static SyncServer server;
    private static Api api;
    private static IdentityProvider provider;
    private static final MovedClock clock = new MovedClock();
    private static final com.nimbusds.jose.jwk.RSAKey providerKey = IdentityProvider.rsaKey("configured-key");

    @TempDir
    static Path tempDir;

    @BeforeAll
    static void start() throws Exception {
        Path dataDir = tempDir;
        provider = new IdentityProvider();
        provider.publish(providerKey);
        provider.down(true);
        server = SyncServer.start(Map.of("clock", clock),
                "--server.port=0", "--sync.data-dir=" + dataDir, "--sync.admin-token=" + ADMIN,
                // Sign-in with a provider that is down at first, and that makes no accounts.
                provider.settings()[0], provider.settings()[1], provider.settings()[2],
                "--sync.auth.oidc.create-accounts=false",
                "--sync.signup=admin", "--sync.gateway.max-body-size=4KB", "--sync.gateway.send-timeout=2s",
                "--sync.gateway.cors-allowed-origins=https://app.example", "--sync.metrics.open=true",
                // Two change streams at most; heartbeat writes alone would notice a left stream only after a minute.
                "--sync.stream.max-connections=2", "--sync.stream.heartbeat=60s",
                // Levels are the JVM's: the shared TestServer, started before in the same JVM, turns this one down.
                "--logging.level.io.syncd.gateway.requests=INFO");
        api = new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
    }

    @AfterAll
    static void stop() {
        server.close();
        provider.close();
    }

    private static Api.Response signIn(String idToken) {
        return api.post("/api/devices/register", null, Json.MAPPER.createObjectNode().put("id_token", idToken)
                .put("device_name", "phone"));
    }

    @Test
    @Order(1)
    void signInIsUnavailableWhileNoSigningKeyWasEverFetched() {
        Api.Response response = signIn(provider.token(providerKey, IdentityProvider.newSubject()));
        assertThat(response.status()).as(response.text()).isEqualTo(503);
        assertThat(response.code()).isEqualTo("unavailable");
        assertThat(provider.fetches()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void withoutAccountCreationOnlyALinkedIdentitySignsIn() {
        provider.down(false);
        String subject = IdentityProvider.newSubject();
        // The failed fetch is retried 30 s after it (the gateway's IdTokenVerifierTest: not before).
        clock.forward(Duration.ofSeconds(31));
        Api.Response unlinked = signIn(provider.token(providerKey, subject));
        assertThat(unlinked.status()).as(unlinked.text()).isEqualTo(403);
        assertThat(unlinked.code()).isEqualTo("forbidden");

        Api.Device device = newDevice();
        Api.Response linked = api.post("/api/accounts/identities", device.token(),
                Json.MAPPER.createObjectNode().put("id_token", provider.token(providerKey, subject)));
        assertThat(linked.status()).as(linked.text()).isEqualTo(201);
        Api.Response signedIn = signIn(provider.token(providerKey, subject));
        assertThat(signedIn.status()).as(signedIn.text()).isEqualTo(201);
        assertThat(signedIn.body().get("account_id").stringValue()).isEqualTo(device.accountId());
    }

    private Api.Device newDevice() {
        Api.Response account = api.send(api.request("/api/accounts", ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"configured\"}")).build());
        assertThat(account.status()).isEqualTo(201);
        Api.Response device = api.post("/api/devices/register", null, "{\"enrollment_key\":\""
                + account.body().get("enrollment_key").stringValue() + "\",\"device_name\":\"d\"}");
        return new Api.Device(device.body().get("account_id").stringValue(), null,
                device.body().get("device_id").stringValue(), device.body().get("device_token").stringValue());
    }

    @Test
    @Order(1)
    void openMetricsAreServedWithoutTheAdminToken() {
        Api.Response metrics = api.get("/metrics", null);
        assertThat(metrics.status()).as(metrics.text()).isEqualTo(200);
        assertThat(metrics.text()).contains("jvm_memory_used_bytes");
    }

    @Test
    @Order(1)
    void withAdminSignupAnAccountNeedsTheAdminToken() {
        assertThat(api.post("/api/accounts", null, "{\"name\":\"x\"}").status()).isEqualTo(401);
        assertThat(api.post("/api/accounts", "wrong-token", "{\"name\":\"x\"}").code()).isEqualTo("unauthorized");
        assertThat(newDevice().token()).isNotBlank();
    }

    @Test
    @Order(2)
    void aBodyOverTheConfiguredLimitIsPayloadTooLargeAlsoWhenCompressed() {
        Api.Device device = newDevice();
        StringBuilder body = new StringBuilder("{\"changes\":[");
        for (int i = 0; i < 30; i++) {
            body.append(i == 0 ? "" : ",").append(upsert("books", UUID.randomUUID(), 0, book("y".repeat(190))));
        }
        body.append("]}");
        Api.Response plain = api.post("/api/sync/push", device.token(), body.toString());
        assertThat(plain.status()).isEqualTo(413);
        assertThat(plain.code()).isEqualTo("payload_too_large");
        for (ContentCoding coding : ContentCoding.values()) {
            Api.Response compressed = api.postEncoded("/api/sync/push", device.token(), body.toString(), coding);
            assertThat(compressed.status()).as(coding.token()).isEqualTo(413);
            assertThat(compressed.code()).as(coding.token()).isEqualTo("payload_too_large");
        }
        assertThat(api.pullAll(device, null).records()).isEmpty();
    }

    @Test
    @Order(3)
    void corsAllowsTheConfiguredOriginOnly() {
        Api.Response allowed = api.send(api.request("/api/sync/pull", null).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        Api.Response refused = api.send(api.request("/api/sync/pull", null).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(allowed.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.raw().headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    @Order(3)
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void eachRequestIsLoggedWithItsDeviceButNeverItsTokenOrData(
            org.springframework.boot.test.system.CapturedOutput output) {
        Api.Device device = newDevice();
        api.push(device, upsert("books", UUID.randomUUID(), 0, book("secret-book-title")));

        await().untilAsserted(() -> assertThat(output.getOut())
                .containsPattern("POST /api/sync/push 200 \\d+ms device=" + device.deviceId()));
        assertThat(output.getOut()).doesNotContain(device.token().substring(37)).doesNotContain("secret-book-title");
    }

    @Test
    @Order(3)
    void pastMaxConnectionsAStreamIsUnavailableUntilOneCloses() throws Exception {
        Api.Device device = newDevice();
        try (EventStream first = EventStream.open(api, device); EventStream second = EventStream.open(api, device)) {
            first.next(Duration.ofSeconds(5));
            second.next(Duration.ofSeconds(5));

            HttpResponse<InputStream> third = EventStream.send(EventStream.request(api, device, null));
            try (InputStream body = third.body()) {
                assertThat(third.statusCode()).isEqualTo(503);
                assertThat(third.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(Json.MAPPER.readTree(body.readAllBytes()).get("code").stringValue())
                        .isEqualTo("unavailable");
            }

            // The server sees the device leave by its end of input, not at a heartbeat write after (a minute away):
            // well within that, however slow the machine.
            first.close();
            EventStream[] reopened = new EventStream[1];
            await("a stream's place freed by the device leaving")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> (reopened[0] = EventStream.tryOpen(api, device)) != null);
            try (EventStream opened = reopened[0]) {
                assertThat(opened.next(Duration.ofSeconds(5)).name()).isEqualTo("changed");
            }
            assertThat(second.ended()).isFalse();
        }
    }

    @Test
    @Order(4)
    void withKafkaGoneAPushIsUnavailableAndHealthNamesKafka() {
        Api.Device device = newDevice();
        assertThat(api.push(device, upsert("books", UUID.randomUUID(), 0, book("before"))).status()).isEqualTo(200);

        server.infrastructure().kafka().close();

        Api.Response push = api.push(device, upsert("books", UUID.randomUUID(), 0, book("during outage")));
        assertThat(push.status()).isEqualTo(503);
        assertThat(push.code()).isEqualTo("unavailable");
        Api.Response health = api.get("/health", null);
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.body().get("components").get("kafka").get("status").stringValue()).isEqualTo("DOWN");
    }
}

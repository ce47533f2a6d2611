package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import io.syncd.common.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signing in with an identity provider (PROTOCOL.md, "Signing in with an identity provider"), against a server pointed
 * at a provider this test serves itself: ID tokens and every check that refuses one, the JWK Set cache (rotation, at
 * most one fetch per 30 s, the provider down), linking, sign out everywhere and enrollment-key rotation. The tests run
 * in order: the cache's fetches are counted from the server's first sign-in on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class IdentitySignInTest {
    private static IdentityProvider provider;
    private static RSAKey rsa;
    private static ECKey ec;
    private static SyncServer server;
    private static final MovedClock clock = new MovedClock();
    private static Api api;

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() {
        provider = new IdentityProvider();
        rsa = IdentityProvider.rsaKey("rsa-" + UUID.randomUUID());
        ec = IdentityProvider.ecKey("ec-" + UUID.randomUUID());
        provider.publish(rsa);
        provider.publish(ec);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--sync.data-dir=" + dataDir,
                "--sync.admin-token=" + TestServer.ADMIN_TOKEN,
                "--sync.gateway.address-rate-limit.requests-per-second=1000", "--sync.gateway.address-rate-limit.burst=1000",
                "--logging.level.io.syncd.gateway.requests=INFO", "--sync.stream.heartbeat=500ms"));
        args.addAll(List.of(provider.settings()));
        server = SyncServer.start(Map.of("clock", clock), args.toArray(String[]::new));
        api = new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
    }

    @AfterAll
    static void stop() {
        server.close();
        provider.close();
    }

    private static Api.Response register(String idToken) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id_token", idToken).put("device_name", "phone")
                .put("platform", "android");
        return api.post("/api/devices/register", null, body);
    }

    private static Api.Device signIn(String idToken) {
        Api.Response response = register(idToken);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return new Api.Device(response.body().get("account_id").stringValue(), null,
                response.body().get("device_id").stringValue(), response.body().get("device_token").stringValue());
    }

    private static void assertRefused(String idToken, String check) {
        Api.Response response = register(idToken);
        assertThat(response.status()).as(response.text()).isEqualTo(401);
        assertThat(response.code()).isEqualTo("unauthorized");
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("detail").stringValue()).startsWith("id_token refused (" + check + ")")
                .doesNotContain(idToken).doesNotContain(idToken.split("\\.")[0]).doesNotContain(idToken.split("\\.")[1]);
    }

    @Test
    @Order(1)
    void aValidTokenRegistersAndTheSameSubjectReachesTheSameAccount() {
        String subject = IdentityProvider.newSubject();
        Api.Device first = signIn(provider.token(rsa, subject));
        Api.Device second = signIn(provider.token(ec, subject));
        Api.Device other = signIn(provider.token(rsa, IdentityProvider.newSubject()));

        assertThat(second.accountId()).isEqualTo(first.accountId());
        assertThat(second.deviceId()).isNotEqualTo(first.deviceId());
        assertThat(other.accountId()).isNotEqualTo(first.accountId());
        // A device signed in so is a device like any other.
        Api.Response devices = api.get("/api/devices", second.token());
        assertThat(devices.status()).isEqualTo(200);
        assertThat(devices.body().get("devices")).hasSize(2);
        assertThat(provider.fetches()).as("the first sign-in fetched the keys, the others used the cache").isEqualTo(1);
    }

    @Test
    @Order(2)
    void firstSignInsOfOneIdentityAtOnceMakeOneAccount() throws Exception {
        List<String> subjects = List.of(IdentityProvider.newSubject(), IdentityProvider.newSubject(),
                IdentityProvider.newSubject(), IdentityProvider.newSubject(), IdentityProvider.newSubject());
        List<String> tokens = new ArrayList<>();
        for (String subject : subjects) {
            for (int i = 0; i < 8; i++) {
                tokens.add(provider.token(i % 2 == 0 ? rsa : ec, subject));
            }
        }
        // Every request waits for the others to be ready, so that first sign-ins of one identity really overlap.
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(tokens.size());
        try {
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (String token : tokens) {
                answers.add(threads.submit(() -> {
                    go.await();
                    return register(token);
                }));
            }
            go.countDown();
            for (int s = 0; s < subjects.size(); s++) {
                List<String> accounts = new ArrayList<>();
                for (Future<Api.Response> answer : answers.subList(s * 8, s * 8 + 8)) {
                    Api.Response response = answer.get();
                    assertThat(response.status()).as(response.text()).isEqualTo(201);
                    accounts.add(response.body().get("account_id").stringValue());
                }
                assertThat(accounts).as("one account for the identity").containsOnly(accounts.get(0));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    @Order(2)
    void eachFailedCheckIs401NamingItWithoutTheToken() throws JOSEException {
        String subject = IdentityProvider.newSubject();
        Instant now = Instant.now();
        assertRefused(provider.token(rsa, subject, c -> c.expirationTime(Date.from(now.minusSeconds(120)))), "expired");
        assertRefused(provider.token(ec, subject, c -> c.notBeforeTime(Date.from(now.plusSeconds(600)))), "not_yet_valid");
        assertRefused(provider.token(rsa, subject, c -> c.issueTime(Date.from(now.plusSeconds(600)))), "not_yet_valid");
        assertRefused(provider.token(rsa, subject, c -> c.audience("someone-else")), "audience");
        assertRefused(provider.token(rsa, subject, c -> c.issuer("https://evil.example")), "issuer");
        assertRefused(new PlainJWT(provider.claims(subject).build()).serialize(), "algorithm");

        // The classic confusion: HS256 with the provider's public key as the shared secret.
        SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
                provider.claims(subject).build());
        hs256.sign(new MACSigner(rsa.toRSAPublicKey().getEncoded()));
        assertRefused(hs256.serialize(), "algorithm");

        String[] parts = provider.token(rsa, subject).split("\\.");
        String otherSubject = Base64.getUrlEncoder().withoutPadding().encodeToString(
                provider.claims("someone-else").build().toString().getBytes(StandardCharsets.UTF_8));
        assertRefused(parts[0] + "." + otherSubject + "." + parts[2], "signature");
        // Signed by an EC key under the RSA key's kid.
        assertRefused(IdentityProvider.sign(IdentityProvider.ecKey("x"), JWSAlgorithm.ES256, rsa.getKeyID(),
                provider.claims(subject).build()), "signature");
        assertRefused(IdentityProvider.sign(rsa, JWSAlgorithm.RS256, null, provider.claims(subject).build()), "unknown_key");
        assertRefused("eyJhbGciOiJSUzI1NiJ9.%%%.xyz", "malformed");
        assertRefused(provider.token(rsa, subject, c -> c.expirationTime(null)), "malformed");

        // Nothing refused made an account: the subject signs in now for the first time.
        Api.Device device = signIn(provider.token(rsa, subject));
        assertThat(api.get("/api/devices", device.token()).body().get("devices")).hasSize(1);
        PrometheusScrape metrics = PrometheusScrape.of(api);
        for (String check : List.of("expired", "not_yet_valid", "audience", "issuer", "algorithm", "signature",
                "unknown_key", "malformed")) {
            assertThat(metrics.find("syncd_id_tokens_total", "outcome", check)).as(check)
                    .allSatisfy(s -> assertThat(s.value()).isGreaterThanOrEqualTo(1)).isNotEmpty();
        }
    }

    @Test
    @Order(3)
    void theRequestLogNeverHoldsAToken(CapturedOutput output) {
        String token = provider.token(rsa, IdentityProvider.newSubject());
        Api.Device device = signIn(token);
        String expired = provider.token(rsa, IdentityProvider.newSubject(),
                c -> c.expirationTime(Date.from(Instant.now().minusSeconds(300))));
        assertThat(register(expired).status()).isEqualTo(401);
        api.post("/api/accounts/identities", device.token(), Json.MAPPER.createObjectNode().put("id_token", token));

        await("the requests logged").untilAsserted(() -> assertThat(output.getOut())
                .containsPattern("POST /api/accounts/identities 201 \\d+ms device=" + device.deviceId()));
        for (String jwt : List.of(token, expired)) {
            for (String part : jwt.split("\\.")) {
                assertThat(output.getOut()).doesNotContain(part);
            }
        }
        assertThat(output.getOut()).doesNotContain(device.token().substring(37));
    }

    @Test
    @Order(4)
    void anIdentityLinksToTheCallersAccountOnceAndNeverToAnother() {
        Api.Device enrolled = api.newDevice();
        String subject = IdentityProvider.newSubject();
        String token = provider.token(ec, subject);
        ObjectNode body = Json.MAPPER.createObjectNode().put("id_token", token);

        Api.Response linked = api.post("/api/accounts/identities", enrolled.token(), body);
        assertThat(linked.status()).as(linked.text()).isEqualTo(201);
        assertThat(linked.body().get("account_id").stringValue()).isEqualTo(enrolled.accountId());
        assertThat(linked.body().get("subject").stringValue()).isEqualTo(subject);
        assertThat(api.post("/api/accounts/identities", enrolled.token(), body).status()).as("again").isEqualTo(201);
        assertThat(signIn(provider.token(rsa, subject)).accountId()).isEqualTo(enrolled.accountId());

        Api.Device stranger = api.newDevice();
        Api.Response taken = api.post("/api/accounts/identities", stranger.token(), body);
        assertThat(taken.status()).as(taken.text()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("conflict");
        assertThat(api.post("/api/accounts/identities", null, body).status()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void signingOutEverywhereRefusesEveryTokenAtOnceAndClosesTheirStreams() throws Exception {
        String subject = IdentityProvider.newSubject();
        Api.Device phone = signIn(provider.token(rsa, subject));
        Api.Device tablet = signIn(provider.token(rsa, subject));
        Api.Device laptop = signIn(provider.token(ec, subject));
        Api.Device bystander = signIn(provider.token(rsa, IdentityProvider.newSubject()));
        try (EventStream phoneStream = EventStream.open(api, phone);
             EventStream tabletStream = EventStream.open(api, tablet);
             EventStream bystanderStream = EventStream.open(api, bystander)) {
            phoneStream.next(Duration.ofSeconds(5));
            tabletStream.next(Duration.ofSeconds(5));
            bystanderStream.next(Duration.ofSeconds(5));

            Api.Response signOut = api.post("/api/devices/revoke-all", laptop.token(), "");
            assertThat(signOut.status()).as(signOut.text()).isEqualTo(204);

            for (Api.Device device : List.of(phone, tablet, laptop)) {
                assertThat(api.get("/api/devices", device.token()).status()).isEqualTo(401);
            }
            await("the signed-out devices' streams closed").atMost(Duration.ofMillis(2300))
                    .pollInterval(Duration.ofMillis(20)).until(() -> phoneStream.ended() && tabletStream.ended());
            assertThat(bystanderStream.ended()).as("another account's stream stays open").isFalse();
            assertThat(api.get("/api/devices", bystander.token()).status()).isEqualTo(200);
        }
        // The identity still reaches its account: signing in again makes a new device there.
        assertThat(signIn(provider.token(rsa, subject)).accountId()).isEqualTo(phone.accountId());
    }

    @Test
    @Order(6)
    void aRotatedEnrollmentKeyReplacesTheOld() {
        Api.Device device = api.newDevice();
        Api.Response rotated = api.post("/api/accounts/enrollment-key", device.token(), "");
        assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
        String newKey = rotated.body().get("enrollment_key").stringValue();
        assertThat(newKey).isNotEqualTo(device.enrollmentKey());

        String register = "{\"enrollment_key\":\"%s\",\"device_name\":\"tablet\"}";
        Api.Response old = api.post("/api/devices/register", null, register.formatted(device.enrollmentKey()));
        assertThat(old.status()).isEqualTo(401);
        Api.Response fresh = api.post("/api/devices/register", null, register.formatted(newKey));
        assertThat(fresh.status()).as(fresh.text()).isEqualTo(201);
        assertThat(fresh.body().get("account_id").stringValue()).isEqualTo(device.accountId());
    }

    @Test
    @Order(7)
    void aNewKeyIsFetchedOnceAndIsAcceptedSoTheProviderCanRotateKeys() {
        RSAKey next = IdentityProvider.rsaKey("rsa-next-" + UUID.randomUUID());
        provider.publish(next);
        int before = provider.fetches();
        String subject = IdentityProvider.newSubject();

        // A key unknown to the cache is looked up once 30 s have passed since the last fetch (the gateway's
        // IdTokenVerifierTest: not before).
        clock.forward(Duration.ofSeconds(31));
        Api.Response response = register(provider.token(next, subject));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        assertThat(provider.fetches()).isEqualTo(before + 1);
    }

    @Test
    @Order(8)
    void whileTheProviderIsDownCachedKeysKeepWorking() {
        provider.down(true);
        try {
            assertThat(register(provider.token(ec, IdentityProvider.newSubject())).status()).isEqualTo(201);
        } finally {
            provider.down(false);
        }
    }

    @Test
    @Order(9)
    void aHundredTokensWithUnknownKeysCauseOneFetchAndAre401() throws Exception {
        clock.forward(Duration.ofSeconds(31));
        RSAKey unknown = IdentityProvider.rsaKey("unpublished");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            tokens.add(IdentityProvider.sign(unknown, JWSAlgorithm.RS256, "made-up-" + i,
                    provider.claims(IdentityProvider.newSubject()).build()));
        }
        int before = provider.fetches();
        Instant started = Instant.now();
        ExecutorService threads = Executors.newFixedThreadPool(10);
        try {
            List<Future<Api.Response>> answers = new ArrayList<>();
            for (String token : tokens) {
                answers.add(threads.submit(() -> register(token)));
            }
            for (Future<Api.Response> answer : answers) {
                Api.Response response = answer.get();
                assertThat(response.status()).as(response.text()).isEqualTo(401);
                assertThat(response.body().get("detail").stringValue()).startsWith("id_token refused (unknown_key)");
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(30));
        assertThat(provider.fetches()).as("fetches of the JWK Set").isEqualTo(before + 1);
    }
}

package io.syncd.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncd.edge.errors.ApiException;
import io.syncd.gateway.SettableClock;

/** The ID token checks at their edges (the clock skew) and the JWK Set cache's fetches, on a clock the test moves. */
class IdTokenVerifierTest {
    private static final String ISSUER = "https://idp.test/realm";
    private static final String AUDIENCE = "app";
    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

    private final SettableClock clock = new SettableClock(START);
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();
    private HttpServer provider;
    private IdTokenVerifier verifier;
    private RSAKey rsa;

    @BeforeEach
    void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = new JWKSet(new ArrayList<>(published)).toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(down.get() ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.setExecutor(Executors.newFixedThreadPool(4));
        provider.start();
        URI jwks = URI.create("http://127.0.0.1:" + provider.getAddress().getPort() + "/jwks");
        OidcProperties settings = new OidcProperties(ISSUER, jwks, AUDIENCE, true, Duration.ofSeconds(60));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        verifier = new IdTokenVerifier(settings, new JwkSetCache(jwks, clock, registry), clock, registry);
    }

    @AfterEach
    void stop() {
        provider.stop(0);
    }

    private String token(JWK key, JWSAlgorithm alg, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience(AUDIENCE)
                .issueTime(Date.from(clock.instant())).expirationTime(Date.from(clock.instant().plusSeconds(300)));
        change.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private String refusal(String token) {
        try {
            verifier.verify(token);
        } catch (ApiException e) {
            return e.status().value() + " " + e.getMessage();
        }
        throw new AssertionError("the token was accepted");
    }

    @Test
    void timesAreCheckedWithinTheClockSkewAndNoFurther() {
        published.add(rsa);
        Instant now = clock.instant();
        assertThat(verifier.verify(token(rsa, JWSAlgorithm.RS256, c -> c.expirationTime(Date.from(now.minusSeconds(59)))))
                .subject()).isEqualTo("alice");
        assertThat(refusal(token(rsa, JWSAlgorithm.RS256, c -> c.expirationTime(Date.from(now.minusSeconds(60))))))
                .startsWith("401 id_token refused (expired)");
        verifier.verify(token(rsa, JWSAlgorithm.PS256, c -> c.notBeforeTime(Date.from(now.plusSeconds(60)))));
        assertThat(refusal(token(rsa, JWSAlgorithm.RS256, c -> c.notBeforeTime(Date.from(now.plusSeconds(61))))))
                .startsWith("401 id_token refused (not_yet_valid)");
        verifier.verify(token(rsa, JWSAlgorithm.RS512, c -> c.issueTime(Date.from(now.plusSeconds(60)))));
        assertThat(refusal(token(rsa, JWSAlgorithm.RS256, c -> c.issueTime(Date.from(now.plusSeconds(61))))))
                .startsWith("401 id_token refused (not_yet_valid)");
    }

    @Test
    void manyConcurrentUnknownKeysCauseOneFetchAndTheNextOnlyAfter30Seconds() throws Exception {
        published.add(rsa);
        String unknown = token(new RSAKeyGenerator(2048).keyID("unknown").generate(), JWSAlgorithm.RS256, c -> { });
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                answers.add(threads.submit(() -> refusal(unknown)));
            }
            for (Future<String> answer : answers) {
                assertThat(answer.get()).startsWith("401 id_token refused (unknown_key)");
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(fetches.get()).isEqualTo(1);

        ECKey rotated = new ECKeyGenerator(Curve.P_256).keyID("rotated").generate();
        published.add(rotated);
        clock.advance(Duration.ofSeconds(29));
        assertThat(refusal(token(rotated, JWSAlgorithm.ES256, c -> { }))).contains("(unknown_key)");
        assertThat(fetches.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(verifier.verify(token(rotated, JWSAlgorithm.ES256, c -> { })).issuer()).isEqualTo(ISSUER);
        assertThat(fetches.get()).isEqualTo(2);
    }

    @Test
    void cachedKeysOutliveTheProviderAndWithNoneSignInIsUnavailable() throws Exception {
        down.set(true);
        assertThatThrownBy(() -> verifier.verify(token(rsa, JWSAlgorithm.RS256, c -> { })))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));

        down.set(false);
        published.add(rsa);
        clock.advance(Duration.ofSeconds(30));
        verifier.verify(token(rsa, JWSAlgorithm.RS256, c -> { }));

        down.set(true);
        clock.advance(Duration.ofMinutes(5));
        ECKey unknown = new ECKeyGenerator(Curve.P_256).keyID("other").generate();
        assertThat(refusal(token(unknown, JWSAlgorithm.ES256, c -> { }))).contains("(unknown_key)");
        assertThat(fetches.get()).as("the failed fetch").isEqualTo(3);
        assertThat(verifier.verify(token(rsa, JWSAlgorithm.RS256, c -> { })).subject()).isEqualTo("alice");
    }

    @Test
    void aKeyTheProviderWithdrewStopsWorkingAfterTheNextRefresh() throws Exception {
        published.add(rsa);
        verifier.verify(token(rsa, JWSAlgorithm.RS256, c -> { }));
        published.clear();
        clock.advance(JwkSetCache.REFRESH_AFTER.minusSeconds(1));
        assertThat(verifier.verify(token(rsa, JWSAlgorithm.RS256, c -> { })).subject()).as("cached, not yet stale")
                .isEqualTo("alice");
        assertThat(fetches.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(refusal(token(rsa, JWSAlgorithm.RS256, c -> { }))).contains("(unknown_key)");
        assertThat(fetches.get()).as("one refresh").isEqualTo(2);

        published.add(rsa);
        down.set(true);
        clock.advance(JwkSetCache.REFRESH_AFTER);
        assertThat(refusal(token(rsa, JWSAlgorithm.RS256, c -> { }))).as("nothing cached to keep: the provider is down")
                .contains("503");
    }

    @Test
    void aKeyOfAnotherTypeOrCurveThanTheAlgVerifiesNothing() throws Exception {
        ECKey p256 = new ECKeyGenerator(Curve.P_256).keyID("p256").generate();
        published.add(rsa);
        published.add(p256);
        verifier.verify(token(p256, JWSAlgorithm.ES256, c -> { }));
        // ES384 needs a P-384 key; signed with the P-256 key under its kid, the signature cannot verify.
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p256").generate();
        assertThat(refusal(token(p384, JWSAlgorithm.ES384, c -> { }))).contains("(signature)");
        assertThat(refusal(token(p256, JWSAlgorithm.ES256, c -> c.audience(List.of("other", "apps")))))
                .contains("(audience)");
    }
}

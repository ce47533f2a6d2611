package io.syncd.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
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

/**
 * An OpenID Connect provider as far as the server sees one: its JWK Set served on a local port (counting fetches, able
 * to go down), and ID tokens signed with keys made at test time.
 */
final class IdentityProvider implements AutoCloseable {
    static final String AUDIENCE = "syncd-test-app";

    private final HttpServer http;
    private final String issuer;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger down = new AtomicInteger();

    IdentityProvider() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://127.0.0.1:" + http.getAddress().getPort() + "/realms/test";
        http.createContext("/realms/test/certs", exchange -> {
            fetches.incrementAndGet();
            byte[] body;
            int status;
            if (down.get() > 0) {
                status = 503;
                body = "down".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                body = new JWKSet(new ArrayList<>(published)).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    String issuer() {
        return issuer;
    }

    String jwksUri() {
        return issuer + "/certs";
    }

    /** The server settings that point at this provider. */
    String[] settings() {
        return new String[] {"--sync.auth.oidc.issuer=" + issuer, "--sync.auth.oidc.jwks-uri=" + jwksUri(),
                "--sync.auth.oidc.audience=" + AUDIENCE};
    }

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    void publish(JWK key) {
        published.add(key);
    }

    void down(boolean isDown) {
        down.set(isDown ? 1 : 0);
    }

    int fetches() {
        return fetches.get();
    }

    /** The claims of a valid ID token for {@code subject}: this issuer, the audience, issued now, valid 5 minutes. */
    JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(List.of(AUDIENCE, "another-app"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("name", "Test user " + subject);
    }

    /** A valid token for {@code subject} signed with {@code key} (RS256 or ES256 by its type). */
    String token(JWK key, String subject) {
        return token(key, subject, claims -> { });
    }

    String token(JWK key, String subject, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = claims(subject);
        change.accept(claims);
        return sign(key, key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256, key.getKeyID(), claims.build());
    }

    static String sign(JWK key, JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
        try {
            JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String newSubject() {
        return "user-" + UUID.randomUUID();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}

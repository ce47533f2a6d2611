package io.syncd.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import io.syncd.client.Account;
import io.syncd.client.Registration;
import io.syncd.client.ServerProcess;
import io.syncd.client.ServerRejectedException;
import io.syncd.client.SyncClient;
import tools.jackson.databind.JsonNode;

/**
 * Signing in with an identity provider from the command line, through the jar, against a server pointed at a JWK Set
 * this test serves: {@code register --id-token}, {@code rotate-key} and {@code sign-out-everywhere}.
 */
class IdentityCliIT {
    private static final String AUDIENCE = "syncd-cli-test";
    private static HttpServer provider;
    private static ECKey key;
    private static String issuer;
    private static ServerProcess server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("cli-" + UUID.randomUUID()).generate();
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + provider.getAddress().getPort();
        byte[] keys = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        provider.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        provider.start();
        server = ServerProcess.dedicated(null, "--sync.auth.oidc.issuer=" + issuer,
                "--sync.auth.oidc.jwks-uri=" + issuer + "/jwks", "--sync.auth.oidc.audience=" + AUDIENCE);
    }

    @AfterAll
    static void stop() {
        server.stop();
        server.delete();
        provider.stop(0);
    }

    private static String idToken(String subject) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("email", subject + "@example.com").build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode register(Path db, String... credentials) {
        String[] args = new String[credentials.length + 7];
        args[0] = "register";
        args[1] = "--server";
        args[2] = server.uri().toString();
        System.arraycopy(credentials, 0, args, 3, credentials.length);
        args[credentials.length + 3] = "--name";
        args[credentials.length + 4] = db.getFileName().toString();
        args[credentials.length + 5] = "--platform";
        args[credentials.length + 6] = "cli";
        return Cli.run(db, args).succeeded().json();
    }

    @Test
    void signInRotateTheKeyAndSignOutEverywhere() {
        String subject = "cli-user-" + UUID.randomUUID();
        Path phone = dir.resolve("phone.db");
        Path tablet = dir.resolve("tablet.db");
        JsonNode first = register(phone, "--id-token", idToken(subject));
        JsonNode second = register(tablet, "--id-token", idToken(subject));
        assertThat(second.get("account_id")).as("the same identity, the same account").isEqualTo(first.get("account_id"));

        Cli.Run rotated = Cli.run(phone, "rotate-key").succeeded();
        String newKey = rotated.json().get("enrollment_key").stringValue();
        assertThat(rotated.out().trim()).isEqualTo("{\"enrollment_key\":\"" + newKey + "\"}");
        JsonNode laptop = register(dir.resolve("laptop.db"), "--enrollment-key", newKey);
        assertThat(laptop.get("account_id")).isEqualTo(first.get("account_id"));
        assertThat(Cli.run(tablet, "rotate-key").succeeded().json().get("enrollment_key").stringValue())
                .isNotEqualTo(newKey);
        Cli.Run oldKey = Cli.run(dir.resolve("old-key.db"), "register", "--server", server.uri().toString(),
                "--enrollment-key", newKey, "--name", "too late");
        assertThat(oldKey.exit()).as(oldKey.err()).isEqualTo(SyncCli.ERROR);

        Cli.Run signedOut = Cli.run(tablet, "sign-out-everywhere").succeeded();
        assertThat(signedOut.json().get("signed_out_everywhere").booleanValue()).isTrue();
        for (Path store : new Path[] {phone, tablet, dir.resolve("laptop.db")}) {
            Cli.Run refused = Cli.run(store, "devices", "list");
            assertThat(refused.exit()).as("%s: %s", store, refused.err()).isEqualTo(SyncCli.ERROR);
            assertThat(refused.err()).contains("401");
        }
    }

    @Test
    void theSdkLinksAnIdentityToItsAccountOnceAndSignsInWithIt() {
        String subject = "sdk-user-" + UUID.randomUUID();
        Account account = SyncClient.createAccount(server.uri(), "Alice");
        try (SyncClient enrolled = SyncClient.open(dir.resolve("enrolled.db"));
             SyncClient signedIn = SyncClient.open(dir.resolve("signed-in.db"));
             SyncClient stranger = SyncClient.open(dir.resolve("stranger.db"))) {
            enrolled.register(server.uri(), account.enrollmentKey(), "tablet", "test");
            enrolled.account().linkIdentity(idToken(subject));

            Registration registration = signedIn.registerWithIdToken(server.uri(), idToken(subject), "phone", "test");
            assertThat(registration.accountId()).isEqualTo(account.accountId());

            stranger.registerNewAccount(server.uri(), "Mallory", "laptop", "test");
            assertThatThrownBy(() -> stranger.account().linkIdentity(idToken(subject)))
                    .isInstanceOfSatisfying(ServerRejectedException.class, e -> assertThat(e.status()).isEqualTo(409));
        }
    }

    @Test
    void aRefusedTokenSaysWhichCheckFailedAndRegistersNothing() {
        Path db = dir.resolve("refused.db");
        String token = idToken("cli-user-" + UUID.randomUUID());
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
        Cli.Run refused = Cli.run(db, "register", "--server", server.uri().toString(), "--id-token", forged,
                "--name", "phone");
        assertThat(refused.exit()).isEqualTo(SyncCli.ERROR);
        assertThat(refused.err()).contains("id_token refused (signature)").doesNotContain(forged.split("\\.")[1]);
        try (SyncClient client = SyncClient.open(db)) {
            assertThat(client.registration()).isEmpty();
        }

        Cli.Run both = Cli.run(db, "register", "--server", server.uri().toString(), "--id-token", token,
                "--enrollment-key", "k", "--name", "phone");
        assertThat(both.exit()).isEqualTo(SyncCli.ERROR);
        assertThat(both.err()).contains("either --enrollment-key or --id-token");
    }
}

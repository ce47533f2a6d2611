package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK against a server as exposed on the internet: HTTPS with a certificate of its own (a self-signed one, made
 * here with the JDK's keytool, which the app trusts through {@link SyncOptions#withSslContext}) and a per-device rate
 * limit (a burst of 3 requests, then 1 a second), which the SDK waits out as {@code Retry-After} says.
 */
class TlsAndRateLimitIT {
    private static final String PASSWORD = "client-it-keystore";
    private static final int BURST = 3;
    private static Path dir;
    private static SSLContext tls;
    private static ServerProcess server;
    private Devices devices;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("syncd-client-tls-");
        Path keystore = selfSignedKeystore(dir.resolve("server.p12"));
        tls = trusting(keystore);
        server = ServerProcess.dedicated(tls, "--sync.roles=gateway,applier",
                "--server.ssl.enabled=true", "--server.ssl.key-store=" + keystore,
                "--server.ssl.key-store-type=PKCS12", "--server.ssl.key-store-password=" + PASSWORD,
                "--sync.gateway.rate-limit.enabled=true", "--sync.gateway.rate-limit.burst=" + BURST,
                "--sync.gateway.rate-limit.requests-per-second=1");
    }

    @AfterAll
    static void stop() {
        server.stop();
        server.delete();
        org.assertj.core.util.Files.delete(dir.toFile());
    }

    @AfterEach
    void close() {
        if (devices != null) {
            devices.close();
        }
    }

    @Test
    void theSdkSyncsOverHttpsWithTheAppsTrustAndRefusesAnUntrustedCertificate() {
        devices = new Devices(server.uri(), SyncOptions.defaults().withSslContext(tls));
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        phone.put("books", bookId, book("over TLS"));

        assertThat(phone.syncAll()).extracting(SyncReport::pushed, SyncReport::applied).containsExactly(1, 1);
        assertThat(tablet.syncAll().pulled()).isEqualTo(1);
        assertThat(tablet.get("books", bookId)).isPresent();
        assertThat(phone.isServerReachable()).isTrue();
        assertThatThrownBy(() -> SyncClient.createAccount(server.uri(), "untrusting", null, SyncOptions.defaults()))
                .as("the JVM's default trust store does not know the certificate")
                .isInstanceOf(SyncException.class).hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void overTheRateLimitTheSdkWaitsAsRetryAfterSaysAndThenSucceeds() throws Exception {
        devices = new Devices(server.uri(), SyncOptions.defaults().withSslContext(tls));
        // Default retries (5 attempts, Retry-After honoured up to 30 s); one change a request: 6 pushes and a pull.
        SyncClient phone = devices.device("phone", server.uri(),
                SyncOptions.defaults().withSslContext(tls).withPushBatchSize(1));
        for (int i = 0; i < 2 * BURST; i++) {
            phone.put("books", newId(), book("book " + i));
        }
        double refusedBefore = refusedRequests();

        SyncReport report = phone.syncAll();

        assertThat(report).extracting(SyncReport::pushed, SyncReport::applied, SyncReport::pending, SyncReport::pulled)
                .containsExactly(2 * BURST, 2 * BURST, 0, 2 * BURST);
        assertThat(refusedRequests() - refusedBefore).as("429 answers the SDK waited out").isPositive();
        assertThat(phone.status().outbox()).isZero();
    }

    /** The server's count of 429 answers, from its Prometheus metrics. */
    private static double refusedRequests() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        String metrics = http.send(HttpRequest.newBuilder(server.uri().resolve("/metrics"))
                        .header("Authorization", "Bearer " + ServerProcess.ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{") && line.contains("status=\"429\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A PKCS12 keystore with a fresh key and a certificate for localhost, made by the JDK's keytool. */
    private static Path selfSignedKeystore(Path file) throws IOException, InterruptedException {
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "syncd", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as("keytool: %s", output).isZero();
        return file;
    }

    /** TLS trusting exactly the keystore's certificate, as an app shipping its server's certificate would. */
    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}

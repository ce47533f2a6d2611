package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import tools.jackson.databind.JsonNode;

/**
 * The API over HTTPS only ({@code server.ssl.*}, a self-signed PKCS12 keystore made here with the JDK's keytool),
 * and the metrics on a plain internal port ({@code management.server.port}), as docs/OPERATING.md's TLS section describes.
 */
class TlsTest {
    private static final String PASSWORD = "test-keystore-password";
    private static Path keystore;
    private static SyncServer server;
    private static int port;
    private static int managementPort;
    private static HttpClient trusting;

    @TempDir
    static Path tempDir;

    @BeforeAll
    static void start() throws Exception {
        Path dir = tempDir;
        keystore = selfSignedKeystore(dir.resolve("server.p12"));
        managementPort = freePort();
        server = SyncServer.start("--server.port=0", "--sync.data-dir=" + dir.resolve("data"), "--sync.admin-token=t",
                "--sync.roles=gateway,applier",
                "--server.ssl.enabled=true", "--server.ssl.key-store=" + keystore,
                "--server.ssl.key-store-type=PKCS12", "--server.ssl.key-store-password=" + PASSWORD,
                "--management.server.port=" + managementPort, "--management.server.ssl.enabled=false");
        port = ((WebServerApplicationContext) server.context()).getWebServer().getPort();
        trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aClientTrustingTheCertificateRegistersPushesAndPullsOverHttps() {
        Api api = new Api("https://localhost:" + port, trusting);
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();

        JsonNode pushed = api.push(device, upsert("books", bookId, 0, book("over TLS"))).body().get("results").get(0);
        List<JsonNode> pulled = api.pullAll(device, null).records();

        assertThat(pushed.get("status").stringValue()).isEqualTo("applied");
        assertThat(pulled).extracting(r -> r.get("record_id").stringValue()).containsExactly(bookId.toString());
        assertThat(api.get("/health", null).status()).isEqualTo(200);
    }

    /** A change stream's socket is upgraded past its first event; over TLS it goes on carrying events all the same. */
    @Test
    void aChangeStreamOverHttpsTellsOfAnotherDevicesPush() throws Exception {
        Api api = new Api("https://localhost:" + port, trusting);
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        HttpResponse<InputStream> stream = trusting.send(EventStream.request(api, phone, null),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                AtomicInteger pings = new AtomicInteger();
                assertThat(EventStream.nextEvent(lines, pings).name()).isEqualTo("changed");
                JsonNode pushed = api.push(tablet, upsert("books", UUID.randomUUID(), 0, book("told over TLS")))
                        .body().get("results").get(0);
                assertThat(pushed.get("status").stringValue()).isEqualTo("applied");
                EventStream.Event told = EventStream.nextEvent(lines, pings);
                assertThat(told.name()).isEqualTo("changed");
                assertThat(told.data()).contains("books");
            });
        }
    }

    @Test
    void plainHttpAndClientsNotTrustingTheCertificateGetNothing() {
        HttpRequest plain = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/accounts"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"plain\"}")).build();
        HttpClient defaults = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        // Tomcat answers a plain request on a TLS port with a bare 400, or the connection just closes.
        try {
            HttpResponse<String> answer = defaults.send(plain, HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).doesNotContain("enrollment_key");
        } catch (IOException | InterruptedException closed) {
            // refused: as good
        }
        HttpRequest https = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health")).build();
        assertThatThrownBy(() -> defaults.send(https, HttpResponse.BodyHandlers.discarding()))
                .as("the JVM's default trust store does not know the self-signed certificate")
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void metricsAreOnThePlainManagementPortOnly() {
        Api management = new Api("http://127.0.0.1:" + managementPort);
        Api api = new Api("https://localhost:" + port, trusting);
        PrometheusScrape before = PrometheusScrape.of(management, "t");

        api.newDevice();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                PrometheusScrape.of(management, "t").sum("http_server_requests_seconds_count", "uri", "/api/accounts")
                        - before.sum("http_server_requests_seconds_count", "uri", "/api/accounts")).isEqualTo(1));
        assertThat(api.get("/metrics", "t").status()).as("not on the public port").isEqualTo(404);
        assertThat(management.get("/metrics", null).status()).as("the admin token on the management port too")
                .isEqualTo(401);
    }

    /** A PKCS12 keystore with a fresh key and a certificate for localhost and 127.0.0.1, made by the JDK's keytool. */
    static Path selfSignedKeystore(Path file) throws IOException, InterruptedException {
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

    /** TLS trusting exactly the keystore's certificate. */
    static SSLContext trusting(Path keystore) throws Exception {
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

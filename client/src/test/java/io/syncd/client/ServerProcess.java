package io.syncd.client;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The real server, {@code standalone/target/sync-standalone.jar}, as a separate process: one per test JVM, shared
 * by every integration test (each creates its own account). It can be stopped and started again on the same data
 * folder and port, to take the server away from devices.
 */
public final class ServerProcess {
    public static final String ADMIN_TOKEN = "client-it-admin";
    /** Generous: a loaded 2-core machine has taken over 80 s to start the server with its Kafka and PostgreSQL. */
    private static final Duration START_LIMIT = Duration.ofSeconds(180);
    private static ServerProcess shared;

    private final Path jar;
    private final Path dataDir;
    private final int port;
    private final SSLContext tls;
    private final List<String> args;
    private final HttpClient http;
    private Process process;
    private Path log;

    private ServerProcess(Path jar, Path dataDir, int port, SSLContext tls, List<String> args) {
        this.jar = jar;
        this.dataDir = dataDir;
        this.port = port;
        this.tls = tls;
        this.args = List.copyOf(args);
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        this.http = (tls == null ? http : http.sslContext(tls)).build();
    }

    /** The shared server, started on first use and stopped when the JVM exits. */
    public static synchronized ServerProcess shared() {
        if (shared == null) {
            shared = create(null, List.of());
            shared.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.stop();
                org.assertj.core.util.Files.delete(shared.dataDir.toFile()); // the server's log files beside it are kept
            }));
        }
        return shared;
    }

    /**
     * A server of one test class, with settings of its own; over HTTPS when {@code tls} is given (it must trust the
     * certificate of the {@code server.ssl.*} settings among {@code args}). Started; {@link #stop()} and
     * {@link #delete()} it after.
     */
    public static ServerProcess dedicated(SSLContext tls, String... args) {
        ServerProcess server = create(tls, List.of(args));
        server.start();
        return server;
    }

    private static ServerProcess create(SSLContext tls, List<String> args) {
        Path jar = Path.of(System.getProperty("sync.standalone.jar", "../standalone/target/sync-standalone.jar"))
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the server first (mvn -B verify from the"
                    + " root, or mvn -pl standalone -am package -DskipTests)");
        }
        try {
            return new ServerProcess(jar, Files.createTempDirectory("syncd-client-it-"), freePort(), tls, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri() {
        return URI.create((tls == null ? "http://127.0.0.1:" : "https://localhost:") + port);
    }

    /** The settings other processes join the server's embedded PostgreSQL and Kafka with (it writes them at start). */
    java.util.Properties joinSettings() {
        java.util.Properties settings = new java.util.Properties();
        try (java.io.Reader in = Files.newBufferedReader(dataDir.resolve("join.properties"))) {
            settings.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    /** Removes the data folder of a stopped server (its log files beside it are kept). */
    public void delete() {
        org.assertj.core.util.Files.delete(dataDir.toFile());
    }

    /** Starts the server and waits (bounded) until {@code GET /health} answers 200. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            log = dataDir.resolveSibling(dataDir.getFileName() + "-" + System.nanoTime() + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--server.port=" + port,
                    "--sync.data-dir=" + dataDir, "--sync.admin-token=" + ADMIN_TOKEN,
                    "--sync.gateway.decision-wait=10s", "--logging.level.io.syncd.gateway.requests=WARN",
                    // The tests make many accounts from this one address: far more than people signing up.
                    "--sync.gateway.address-rate-limit.requests-per-second=1000",
                    "--sync.gateway.address-rate-limit.burst=1000"));
            command.addAll(args);
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            await().atMost(START_LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the server exited; see " + log);
                }
                return healthy();
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the server was not healthy within " + START_LIMIT + "; see " + log, e);
        }
    }

    /** Stops the server (SIGTERM, as an operator would) and waits until it has exited. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean healthy() {
        try {
            return http.send(HttpRequest.newBuilder(uri().resolve("/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

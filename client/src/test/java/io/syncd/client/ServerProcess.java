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
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The real server, {@code standalone/target/sync-standalone.jar}, as a separate process: one per test JVM, shared
 * by every integration test (each creates its own account). It can be stopped and started again on the same data
 * folder and port, to take the server away from devices.
 */
public final class ServerProcess {
    static final String ADMIN_TOKEN = "client-it-admin";
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    private static ServerProcess shared;

    private final Path jar;
    private final Path dataDir;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Path log;

    private ServerProcess(Path jar, Path dataDir, int port) {
        this.jar = jar;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** The shared server, started on first use and stopped when the JVM exits. */
    public static synchronized ServerProcess shared() {
        if (shared == null) {
            Path jar = Path.of(System.getProperty("sync.standalone.jar", "../standalone/target/sync-standalone.jar"))
                    .toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build the server first (mvn -B verify from the"
                        + " root, or mvn -pl standalone -am package -DskipTests)");
            }
            try {
                shared = new ServerProcess(jar, Files.createTempDirectory("syncd-client-it-"), freePort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shared.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.stop();
                deleteRecursively(shared.dataDir); // the server's log files beside it are kept
            }));
        }
        return shared;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the server and waits (bounded) until {@code GET /health} answers 200. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            log = dataDir.resolveSibling(dataDir.getFileName() + "-" + System.nanoTime() + ".log");
            process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--server.port=" + port,
                    "--sync.data-dir=" + dataDir, "--sync.admin-token=" + ADMIN_TOKEN,
                    "--sync.gateway.decision-wait=10s", "--logging.level.io.syncd.gateway.requests=WARN"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
    synchronized void stop() {
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

    static void deleteRecursively(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
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

package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's life as a process: what it does with its command line, that it starts only with its data folder
 * and ports to itself and otherwise exits at once leaving nothing running, and that a fatal fault of its embedded
 * Kafka or PostgreSQL turns {@code /health} to 503 and then ends the process with a non-zero status.
 */
class ServerLifecycleIT {
    /** Small heap and no C2 compiler: these tests time starts and exits, not throughput. */
    private static final List<String> JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** A JVM that only reads its command line, or fails before starting any server: seconds, a minute when loaded. */
    private static final Duration QUICK_EXIT = Duration.ofSeconds(60);
    private final List<ServerProcess> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(ServerProcess::close);
    }

    private ServerProcess launch(String name, Path dataDir, String... args) {
        List<String> all = new ArrayList<>(List.of("--sync.admin-token=lifecycle-test"));
        all.addAll(List.of(args));
        ServerProcess process = ServerProcess.start(name, dataDir, JVM, all.toArray(String[]::new));
        started.add(process);
        return process;
    }

    private ServerProcess launchWithArguments(String name, Path workDir, String... args) {
        ServerProcess process = ServerProcess.startWithArguments(name, workDir, JVM, args);
        started.add(process);
        return process;
    }

    @Test
    void helpAndVersionPrintAndExitZeroWithoutStartingAServer(@TempDir Path workDir) {
        for (String help : List.of("--help", "-h")) {
            ServerProcess process = launchWithArguments(help, workDir, help);
            assertThat(process.awaitExit(QUICK_EXIT)).as(help + " exit status").isZero();
            assertThat(process.output()).startsWith("Usage: java -jar sync-standalone.jar")
                    .contains("--server.port (default 8080)", "--sync.data-dir (default ./sync-data)",
                            "--spring.config.import", "--sync.gateway.decision-wait (default 5s)");
        }
        ServerProcess version = launchWithArguments("--version", workDir, "--version");
        assertThat(version.awaitExit(QUICK_EXIT)).isZero();
        assertThat(version.output()).startsWith("syncd ");
        assertThat(workDir.resolve("sync-data")).as("no server started in the working directory").doesNotExist();
    }

    @Test
    void anUnknownSyncSettingIsRefusedNamingItBeforeAnythingStarts(@TempDir Path workDir) {
        ServerProcess process = launchWithArguments("a typo", workDir, "--sync.data-dri=elsewhere");

        assertThat(process.awaitExit(QUICK_EXIT)).as("exit status").isEqualTo(2);
        assertThat(process.output()).contains("Unknown setting --sync.data-dri").doesNotContain("Started");
        assertThat(workDir.resolve("sync-data")).doesNotExist();
        assertThat(workDir.resolve("elsewhere")).doesNotExist();
    }

    @Test
    void aSecondServerOnTheSameDataFolderExitsAtOnceNamingTheFirstAndLeavesItServing(@TempDir Path tmp) {
        Path dataDir = tmp.resolve("data");
        ServerProcess first = launch("first", dataDir);
        first.awaitHealthy();
        Api.Device device = first.api().newDevice();

        ServerProcess second = launch("second on the same folder", dataDir);

        assertThat(second.awaitExit(QUICK_EXIT)).as("exit status of the second").isEqualTo(1);
        assertThat(second.output()).contains("The data folder " + dataDir + " is in use by process " + first.pid())
                .doesNotContain("Embedded PostgreSQL started").doesNotContain("Embedded Kafka started");
        assertThat(first.api().push(device, Api.upsert("books", java.util.UUID.randomUUID(), 0, Api.book("still served")))
                .body().get("results").get(0).get("status").stringValue()).isEqualTo("applied");
        assertThat(first.api().get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void aTakenHttpPortFailsTheStartBeforeAnyEmbeddedServerStarts(@TempDir Path tmp) throws IOException {
        Path dataDir = tmp.resolve("data");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            ServerProcess process = ServerProcess.start("HTTP port taken", dataDir, taken.getLocalPort(), JVM,
                    "--sync.admin-token=lifecycle-test");
            started.add(process);

            assertThat(process.awaitExit(QUICK_EXIT)).as("exit status").isEqualTo(1);
            assertThat(process.output()).contains("Port " + taken.getLocalPort() + " (server.port) is in use")
                    .doesNotContain("Embedded PostgreSQL started").doesNotContain("Embedded Kafka started");
        }
        assertThat(dataDir.resolve("postgres")).doesNotExist();
    }

    @Test
    void aTakenPostgresPortFailsTheStartAndLeavesNothingRunning(@TempDir Path tmp) throws IOException {
        Path dataDir = tmp.resolve("data");
        int kafkaPort = ServerProcess.freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerProcess process = launch("PostgreSQL port taken", dataDir,
                    "--sync.embedded.postgres-port=" + taken.getLocalPort(), "--sync.embedded.kafka-port=" + kafkaPort);

            assertThat(process.awaitExit(QUICK_EXIT)).as("exit status").isEqualTo(1);
            assertThat(process.output()).contains("Port " + taken.getLocalPort() + " (sync.embedded.postgres-port) is in use");
        }
        assertThat(isFree(kafkaPort)).as("the embedded Kafka's port").isTrue();
        assertThat(dataDir.resolve("postgres")).doesNotExist();
    }

    /**
     * The embedded PostgreSQL fails to start while the embedded Kafka, started beside it, comes up: the broker must be
     * stopped too, or its threads keep the JVM alive and listening after the failed start.
     */
    @Test
    void aServerThatFailsToStartWhileTheOtherStartsStopsItAndExits(@TempDir Path tmp) throws IOException {
        Path dataDir = tmp.resolve("data");
        int kafkaPort = ServerProcess.freePort();
        Path postgresLock = dataDir.resolve("postgres").resolve("epg-lock");
        Files.createDirectories(postgresLock.getParent());
        // As held by another JVM's PostgreSQL on this folder: the embedded PostgreSQL refuses to start at once.
        try (FileChannel channel = FileChannel.open(postgresLock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            ServerProcess process = launch("PostgreSQL refused", dataDir, "--sync.embedded.kafka-port=" + kafkaPort);

            assertThat(process.awaitExit(Duration.ofMinutes(3))).as("exit status").isEqualTo(1);
            assertThat(process.output()).contains("is in use by another process").contains("Embedded Kafka at 127.0.0.1:"
                    + kafkaPort + " stopped");
        }
        assertThat(isFree(kafkaPort)).as("the embedded Kafka's port").isTrue();
    }

    @Test
    void aFatalFaultOfTheEmbeddedKafkaTurnsHealthTo503ThenEndsTheProcessWithStatus1(@TempDir Path tmp) throws IOException {
        Path dataDir = tmp.resolve("data");
        ServerProcess server = launch("Kafka failing", dataDir);
        server.awaitHealthy();
        ProcessHandle postmaster = postmaster(dataDir).orElseThrow();

        // The broker's only log folder fails, as a disk would: its next checkpoint (every 5 s) cannot be written, and
        // Kafka halts on a broker without a working log folder.
        Files.move(dataDir.resolve("kafka/log"), dataDir.resolve("kafka/log.failed"));
        Files.writeString(dataDir.resolve("kafka/log"), "no folder");

        await("health 503 naming kafka").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().untilAsserted(() -> {
                    Api.Response health = server.api().get("/health", null);
                    assertThat(health.status()).isEqualTo(503);
                    assertThat(health.body().get("components").get("kafka").get("reason").stringValue()).contains("fatal");
                });
        assertThat(server.awaitExit(Duration.ofSeconds(90))).as("exit status").isEqualTo(1);
        assertThat(server.output()).contains("Fatal fault of the embedded kafka");
        await("its PostgreSQL stopped").atMost(Duration.ofSeconds(60)).until(() -> !ServerProcess.running(postmaster));
    }

    @Test
    void anEmbeddedPostgresThatExitsUnaskedTurnsHealthTo503ThenEndsTheProcessWithStatus1(@TempDir Path tmp) {
        Path dataDir = tmp.resolve("data");
        ServerProcess server = launch("PostgreSQL failing", dataDir);
        server.awaitHealthy();

        postmaster(dataDir).orElseThrow().destroyForcibly();

        await("health 503 naming postgres").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().untilAsserted(() -> {
                    Api.Response health = server.api().get("/health", null);
                    assertThat(health.status()).isEqualTo(503);
                    assertThat(health.body().get("components").get("postgres").get("reason").stringValue()).contains("fatal");
                });
        assertThat(server.awaitExit(Duration.ofSeconds(90))).as("exit status").isEqualTo(1);
        assertThat(server.output()).contains("Fatal fault of the embedded postgres");
    }

    private static Optional<ProcessHandle> postmaster(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"), StandardCharsets.UTF_8);
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

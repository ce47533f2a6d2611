package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a user runs it: starts to a healthy server within 60 s, survives {@code kill -9} and a restart
 * on the same data folder with nothing lost, and stops cleanly on SIGTERM within 30 s.
 */
class StandaloneProcessIT {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private Process process;

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private Process launch(Path dataDir, int port) throws IOException {
        Path jar = Path.of("target", "sync-standalone.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + System.nanoTime() + ".log");
        return new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString(), "--server.port=" + port, "--sync.data-dir=" + dataDir,
                "--sync.admin-token=process-test"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static long awaitHealthy(Api api, Process process) {
        long start = System.nanoTime();
        await().atMost(START_LIMIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            assertThat(process.isAlive()).as("server process alive").isTrue();
            return api.get("/health", null).status() == 200;
        });
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void theJarStartsHealthySurvivesKillNineAndStopsOnSigterm(@TempDir Path tmp) throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        int port = freePort();
        Api api = new Api("http://127.0.0.1:" + port);

        process = launch(dataDir, port);
        long firstStart = awaitHealthy(api, process);
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        assertThat(api.push(device, upsert("books", bookId, 0, book("before kill"))).body().get("results").get(0)
                .get("status").stringValue()).isEqualTo("applied");

        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        process = launch(dataDir, port);
        long afterKill = awaitHealthy(api, process);

        assertThat(api.pullAll(device, null).records()).extracting(r -> r.get("data").get("name").stringValue())
                .containsExactly("before kill");
        // The killed applier's partitions free up when its group session expires; until then a push may be pending.
        UUID changeId = UUID.randomUUID();
        api.push(device, Api.change(changeId, "books", "upsert", bookId, 1, book("after kill")));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                api.get("/api/sync/changes/" + changeId, device.token()).body().get("status").stringValue())
                .isEqualTo("applied"));

        long stopStart = System.nanoTime();
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s of SIGTERM").isTrue();
        long stopMillis = (System.nanoTime() - stopStart) / 1_000_000;

        process = launch(dataDir, port);
        long afterStop = awaitHealthy(api, process);
        assertThat(api.pullAll(device, null).records().get(0).get("version").longValue()).isEqualTo(2);
        System.out.printf("standalone jar: healthy after %d ms (fresh), %d ms (after kill -9), %d ms (after SIGTERM);"
                + " SIGTERM stop took %d ms%n", firstStart, afterKill, afterStop, stopMillis);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

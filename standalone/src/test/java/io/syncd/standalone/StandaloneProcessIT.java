package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a user runs it: starts to a healthy server, survives {@code kill -9} (which its PostgreSQL
 * follows) and a restart on the same data folder with nothing lost (also under load: nothing applied twice), and stops
 * cleanly on SIGTERM within 30 s.
 */
class StandaloneProcessIT {
    private static final List<String> JVM = List.of("-Xmx512m");
    private final List<ServerProcess> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(ServerProcess::close);
    }

    private ServerProcess launch(String name, Path dataDir, int port, String... args) {
        List<String> all = new ArrayList<>(List.of("--sync.admin-token=process-test"));
        all.addAll(List.of(args));
        ServerProcess process = ServerProcess.start(name, dataDir, port, JVM, all.toArray(String[]::new));
        started.add(process);
        return process;
    }

    @Test
    void theJarStartsHealthySurvivesKillNineAndStopsOnSigterm(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        int port = ServerProcess.freePort();

        ServerProcess first = launch("fresh", dataDir, port);
        long firstStart = first.awaitHealthy();
        Api api = first.api();
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        assertThat(api.push(device, upsert("books", bookId, 0, book("before kill"))).body().get("results").get(0)
                .get("status").stringValue()).isEqualTo("applied");

        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(
                Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim())).orElseThrow();
        first.kill();
        await("its PostgreSQL stopped after kill -9").atMost(Duration.ofSeconds(60))
                .until(() -> !ServerProcess.running(postmaster));
        ServerProcess second = launch("after kill -9", dataDir, port);
        long afterKill = second.awaitHealthy();

        assertThat(api.pullAll(device, null).records()).extracting(r -> r.get("data").get("name").stringValue())
                .containsExactly("before kill");
        // The killed applier's partitions free up when its group session expires; until then a push may be pending.
        UUID changeId = UUID.randomUUID();
        api.push(device, Api.change(changeId, "books", "upsert", bookId, 1, book("after kill")));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                api.get("/api/sync/changes/" + changeId, device.token()).body().get("status").stringValue())
                .isEqualTo("applied"));

        long stopMillis = second.stop();
        assertThat(stopMillis).as("stopped within 30 s of SIGTERM").isLessThan(30_000);

        ServerProcess third = launch("after SIGTERM", dataDir, port);
        long afterStop = third.awaitHealthy();
        assertThat(api.pullAll(device, null).records().get(0).get("version").longValue()).isEqualTo(2);
        System.out.printf("standalone jar: healthy after %d ms (fresh), %d ms (after kill -9), %d ms (after SIGTERM);"
                + " SIGTERM stop took %d ms%n", firstStart, afterKill, afterStop, stopMillis);
    }

    @Test
    void killNineOfTheWholeServerUnderLoadLosesNoAcknowledgedChangeAndAppliesNoneTwice(@TempDir Path tmp)
            throws Exception {
        Path dataDir = tmp.resolve("data");
        int port = ServerProcess.freePort();
        int postgresPort = ServerProcess.freePort();
        // Fixed, so the test reads the same PostgreSQL after the restart; a short wait keeps devices pushing.
        String[] args = {"--sync.embedded.postgres-port=" + postgresPort,
                "--sync.embedded.kafka-port=" + ServerProcess.freePort(), "--sync.gateway.decision-wait=2s",
                "--logging.level.io.syncd.gateway.requests=WARN"};

        ServerProcess first = launch("standalone", dataDir, port, args);
        first.awaitHealthy();
        try (PushLoad load = new PushLoad(first.api(), 4).start()) {
            load.awaitProgress(200, Duration.ofSeconds(60));
            first.kill();
            // Devices keep sending their unanswered push until the restarted server acknowledges it.
            launch("standalone after kill -9", dataDir, port, args).awaitHealthy();
            load.awaitProgress(200, Duration.ofSeconds(60));
            load.stop();

            assertThat(load.unexpectedAnswers()).isEmpty();
            LoadAudit.Postgres postgres = new LoadAudit.Postgres("jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres",
                    Files.readString(dataDir.resolve("postgres.password")).strip());
            LoadAudit.awaitDecided(postgres, load, Duration.ofSeconds(90));
            LoadAudit audit = LoadAudit.of(postgres, load).assertExactlyOnce();
            System.out.println(audit.line("standalone-kill") + " (" + load.summary() + ")");
        }
    }
}

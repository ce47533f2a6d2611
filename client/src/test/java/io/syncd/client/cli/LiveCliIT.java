package io.syncd.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.Account;
import io.syncd.client.ServerProcess;
import io.syncd.client.SyncClient;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;

/** {@code watch} and {@code sync --wait-ms} through the jar, against the real server. */
class LiveCliIT {
    private static final Path JAR =
            Path.of(System.getProperty("sync.cli.jar", "target/sync-cli.jar")).toAbsolutePath().normalize();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final ServerProcess server = ServerProcess.shared();
    @TempDir
    Path dir;

    private Path registered(String name, Account account) {
        Path db = dir.resolve(name + ".db");
        try (SyncClient client = SyncClient.open(db)) {
            client.register(server.uri(), account.enrollmentKey(), name, "test");
            client.syncAll(); // up to date: a long-poll then has nothing to answer at once
        }
        return db;
    }

    private static Process start(Path db, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(),
                "--db", db.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Collects the process's stdout lines as they come. */
    private static List<String> lines(Process process) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    @Test
    void watchPrintsALinePerRemoteChangeAndExitsZeroOnSigterm() throws Exception {
        Account account = SyncClient.createAccount(server.uri(), "Watcher");
        Path watcher = registered("watcher", account);
        Path writer = registered("writer", account);
        Process watch = start(watcher, "watch");
        List<String> out = lines(watch);
        try (SyncClient tablet = SyncClient.open(writer)) {
            String bookId = SyncClient.newRecordId();
            tablet.put("books", bookId, Json.MAPPER.createObjectNode().put("name", "from the tablet"));
            tablet.syncAll();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> !out.isEmpty());
            JsonNode line = Json.MAPPER.readTree(out.get(0));
            assertThat(List.copyOf(line.propertyNames())).containsExactly("table", "record_id", "version", "is_deleted");
            assertThat(line.get("table").stringValue()).isEqualTo("books");
            assertThat(line.get("record_id").stringValue()).isEqualTo(bookId);
            assertThat(line.get("version").longValue()).isEqualTo(1);
            assertThat(line.get("is_deleted").booleanValue()).isFalse();

            tablet.delete("books", bookId);
            tablet.syncAll();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> out.size() == 2);
            assertThat(Json.MAPPER.readTree(out.get(1)).get("is_deleted").booleanValue()).isTrue();

            // Another command (another process: here another connection) edits the store watch holds.
            String fromCommand = SyncClient.newRecordId();
            try (SyncClient put = SyncClient.openExisting(watcher, io.syncd.client.SyncOptions.defaults())) {
                put.put("books", fromCommand, Json.MAPPER.createObjectNode().put("name", "put while watching"));
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                tablet.pullChanges();
                return tablet.get("books", fromCommand).isPresent();
            });
            assertThat(out).hasSize(2); // its own edit coming back is no remote change
        } finally {
            watch.destroy(); // SIGTERM
        }
        assertThat(watch.waitFor(20, TimeUnit.SECONDS)).as("watch exits on SIGTERM").isTrue();
        assertThat(watch.exitValue()).isZero();
        try (SyncClient after = SyncClient.openExisting(watcher, io.syncd.client.SyncOptions.defaults())) {
            assertThat(after.list("books")).extracting(io.syncd.client.LocalRecord::recordId)
                    .as("the store was closed whole: it opens, with the delete in it").hasSize(1);
            assertThat(after.status().outbox()).isZero();
        }
    }

    @Test
    void syncWithWaitMsReturnsAsSoonAsAnotherDevicesChangeArrives() throws Exception {
        Account account = SyncClient.createAccount(server.uri(), "Long-poller");
        Path poller = registered("poller", account);
        Path writer = registered("writer", account);
        long quiet = System.nanoTime();
        Process nothing = start(poller, "sync", "--wait-ms", "2000");
        assertThat(nothing.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(nothing.exitValue()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - quiet)).as("with nothing new, the server held the pull")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));

        long started = System.nanoTime();
        long heldBefore = heldPulls();
        Process sync = start(poller, "sync", "--wait-ms", "25000");
        List<String> out = lines(sync);
        await("the CLI has started and its pull is held by the server").atMost(Duration.ofSeconds(60))
                .until(() -> heldPulls() > heldBefore);

        try (SyncClient tablet = SyncClient.open(writer)) {
            tablet.put("books", SyncClient.newRecordId(), Json.MAPPER.createObjectNode().put("name", "while held"));
            tablet.syncAll();
        }

        assertThat(sync.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(sync.exitValue()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered by the change, not the wait's end")
                .isLessThan(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(2)).until(() -> !out.isEmpty());
        assertThat(Json.MAPPER.readTree(out.get(0)).get("pulled").intValue()).isEqualTo(1);
    }

    /** The server's {@code syncd_pulls_held} gauge: pulls with {@code wait_ms} it holds now. */
    private long heldPulls() throws IOException, InterruptedException {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/metrics"))
                .header("Authorization", "Bearer " + ServerProcess.ADMIN_TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(line -> line.startsWith("syncd_pulls_held"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}

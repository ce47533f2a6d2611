package io.syncd.standalone.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path dataDir;

    @BeforeAll
    static void quietLogs() {
        EmbeddedServerProcess.quietLogs();
    }

    @Test
    void rowsSurviveARestartOnTheSavedPortAndCommitsAreDurable() throws Exception {
        Path dir = dataDir.resolve("postgres");
        EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0);
        int port = database.port();
        try {
            assertThat(database.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
            assertThat(database.isRunning()).isTrue();
            assertThat(setting(database, "fsync")).isEqualTo("on");
            assertThat(setting(database, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(database, "full_page_writes")).isEqualTo("on");
            assertThat(setting(database, "max_connections")).isEqualTo("200");
            assertThat(setting(database, "shared_buffers")).isEqualTo("128MB");
            execute(database, "CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'kept')");
        } finally {
            database.close();
        }
        assertThat(database.isRunning()).isFalse();
        database.close();

        try (EmbeddedDatabase restarted = EmbeddedDatabase.start(dir, 0, 48)) {
            assertThat(restarted.port()).isEqualTo(port);
            assertThat(setting(restarted, "shared_buffers")).as("set on every start, not only at creation").isEqualTo("48MB");
            assertThat(notes(restarted)).containsExactly("kept");
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already in use in this process");
            assertThat(restarted.isRunning()).isTrue();
        }
    }

    @Test
    void sharedBuffersBelowOneMegabyteAreRefused() {
        assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir.resolve("postgres"), 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgres-shared-buffers-mb must be at least 1");
    }

    @Test
    void aServerOrphanedByKillOfItsJvmIsStoppedAndItsRowsKept() throws Exception {
        Path dir = dataDir.resolve("postgres");
        EmbeddedServerProcess child = EmbeddedServerProcess.start("postgres", dir);
        execute(child.port(), "CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'acknowledged')");
        ProcessHandle orphan = postmaster(dir);

        child.kill();
        assertThat(orphan.isAlive()).as("PostgreSQL outlives the JVM killed with -9").isTrue();

        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            assertThat(database.port()).isEqualTo(child.port());
            assertThat(notes(database)).containsExactly("acknowledged");
            assertThat(postmaster(dir).pid()).isNotEqualTo(orphan.pid());
        }
    }

    @Test
    void committedRowsSurviveACrashOfTheJvmAndItsServer() throws Exception {
        Path dir = dataDir.resolve("postgres");
        EmbeddedServerProcess child = EmbeddedServerProcess.start("postgres", dir);
        execute(child.port(), "CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'acknowledged')");
        ProcessHandle postmaster = postmaster(dir);
        List<ProcessHandle> server = new ArrayList<>(postmaster.descendants().toList());
        server.add(postmaster);

        child.kill();
        server.forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.stream().noneMatch(EmbeddedDatabaseTest::runs));
        assertThat(dir.resolve("postmaster.pid")).as("a crash leaves the pid file").exists();

        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            assertThat(notes(database)).containsExactly("acknowledged");
        }
    }

    @Test
    void aTakenSavedPortIsReplacedByAFreeOne() throws Exception {
        Path dir = dataDir.resolve("postgres");
        int saved;
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            saved = database.port();
        }
        int movedTo;
        // Another process took the port while the server was down: the start sees it taken and picks another.
        try (ServerSocket taken = new ServerSocket(saved, 1, InetAddress.getLoopbackAddress());
                EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            movedTo = database.port();
            assertThat(movedTo).isNotEqualTo(taken.getLocalPort());
            assertThat(setting(database, "fsync")).isEqualTo("on");
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            assertThat(database.port()).as("the new port is saved for the next start").isEqualTo(movedTo);
        }
    }

    @Test
    void aRequestedPortThatIsTakenFailsFastNamingIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir.resolve("postgres"), taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(Integer.toString(taken.getLocalPort()))
                    .hasMessageContaining("in use");
        }
    }

    /** Alive and not a zombie: a killed postmaster is reaped by PID 1, on its own schedule. */
    private static boolean runs(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    private static ProcessHandle postmaster(Path dir) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow();
    }

    private static String setting(EmbeddedDatabase database, String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW " + name)) {
            result.next();
            return result.getString(1);
        }
    }

    private static List<String> notes(EmbeddedDatabase database) throws SQLException {
        List<String> bodies = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT body FROM notes ORDER BY id")) {
            while (result.next()) {
                bodies.add(result.getString(1));
            }
        }
        return bodies;
    }

    private static void execute(EmbeddedDatabase database, String... sql) throws SQLException {
        execute(database.port(), sql);
    }

    /** Each statement commits on its own (auto-commit), so a returned call is an acknowledged write. */
    private static void execute(int port, String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
                Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }
}

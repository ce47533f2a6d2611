package io.syncd.standalone.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

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
        execute(dir, child.port(), "CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'acknowledged')");
        ProcessHandle orphan = postmaster(dir);

        child.killLeavingItsServerRunning();
        assertThat(orphan.isAlive()).as("PostgreSQL outlives the JVM killed with -9 together with its shell").isTrue();

        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            assertThat(database.port()).isEqualTo(child.port());
            assertThat(notes(database)).containsExactly("acknowledged");
            assertThat(postmaster(dir).pid()).isNotEqualTo(orphan.pid());
        }
    }

    @Test
    void theServerStopsByItselfWhenTheJvmThatStartedItIsKilled() throws Exception {
        Path dir = dataDir.resolve("postgres");
        EmbeddedServerProcess child = EmbeddedServerProcess.start("postgres", dir);
        execute(dir, child.port(), "CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'acknowledged')");
        ProcessHandle postmaster = postmaster(dir);

        child.kill();

        await("PostgreSQL stopped after kill -9 of its JVM").atMost(Duration.ofSeconds(60))
                .until(() -> !runs(postmaster) && !dir.resolve("postmaster.pid").toFile().exists());
        try (ServerSocket released = new ServerSocket(child.port(), 1, InetAddress.getLoopbackAddress())) {
            assertThat(released.getLocalPort()).as("its port is free").isEqualTo(child.port());
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            assertThat(notes(database)).containsExactly("acknowledged");
        }
    }

    @Test
    void anExitOfTheServerNobodyAskedForIsToldToItsOwner() throws Exception {
        Path dir = dataDir.resolve("postgres");
        List<String> faults = new CopyOnWriteArrayList<>();
        EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0, 32, (component, reason) -> faults.add(component + ": " + reason));
        try {
            postmaster(dir).destroyForcibly();

            await().atMost(Duration.ofSeconds(30)).until(() -> !faults.isEmpty());
            assertThat(faults).singleElement().asString().startsWith("postgres: ").contains("exited unasked");
            assertThat(database.isRunning()).isFalse();
        } finally {
            database.close();
        }
        try (EmbeddedDatabase restarted = EmbeddedDatabase.start(dir, 0)) {
            assertThat(restarted.isRunning()).as("closed after the fault, the folder can be started again").isTrue();
        }
        assertThat(faults).as("a close is no fault").hasSize(1);
    }

    @Test
    void onlyThePasswordKeptOwnerOnlyBesideTheFolderLetsAClientIn() throws Exception {
        Path dir = dataDir.resolve("postgres");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            Path passwordFile = dataDir.resolve("postgres.password");
            assertThat(Files.readString(passwordFile).strip()).isEqualTo(database.password()).hasSizeGreaterThan(40);
            assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(dataDir.resolve("postgres.log")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(dir.resolve("pg_hba.conf"))).isEqualTo(EmbeddedDatabase.HBA);

            assertRefused(database.jdbcUrl(), null);
            assertRefused(database.jdbcUrl(), "postgres");
            assertThat(connects(database)).isTrue();
        }
    }

    @Test
    void aFolderMadeBeforePasswordsGetsOneAndKeepsItsRows() throws Exception {
        Path dir = dataDir.resolve("postgres");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            execute(database, "CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'kept')",
                    "ALTER ROLE postgres PASSWORD NULL");
        }
        // As every folder was before passwords: initdb's trust for local connections, a superuser without a password.
        Files.writeString(dir.resolve("pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
        Files.delete(dataDir.resolve("postgres.password"));

        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0)) {
            assertThat(database.password()).isEqualTo(Files.readString(dataDir.resolve("postgres.password")).strip());
            assertThat(Files.readString(dir.resolve("pg_hba.conf"))).isEqualTo(EmbeddedDatabase.HBA);
            await("the server reloaded pg_hba.conf").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertRefused(database.jdbcUrl(), "any"));
            assertThat(notes(database)).containsExactly("kept");
        }
    }

    @Test
    void aFolderThatTakesPasswordsOnlyDoesNotStartWithoutItsPasswordFileAndSaysWhy() {
        Path dir = dataDir.resolve("postgres");
        EmbeddedDatabase.start(dir, 0).close();
        Path passwordFile = dataDir.resolve("postgres.password");
        assertThat(passwordFile.toFile().delete()).isTrue();

        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(passwordFile.toString())
                .hasMessageContaining("restore it");
        assertThat(passwordFile).as("no new password made for a server that would refuse it").doesNotExist();
    }

    @Test
    void committedRowsSurviveACrashOfTheJvmAndItsServer() throws Exception {
        Path dir = dataDir.resolve("postgres");
        EmbeddedServerProcess child = EmbeddedServerProcess.start("postgres", dir);
        execute(dir, child.port(), "CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'acknowledged')");
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
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    /** Whether the superuser with the right password can read the catalog: a connection that works. */
    private static boolean connects(EmbeddedDatabase database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_tables")) {
            return result.next();
        }
    }

    /** A connection as the superuser with {@code password} (none: null) fails authentication. */
    private static void assertRefused(String jdbcUrl, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        if (password != null) {
            properties.setProperty("password", password);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(jdbcUrl, properties).close())
                .as("connecting with password " + password)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("SQLState").isIn("28P01", "08004"));
    }

    /** Each statement commits on its own (auto-commit), so a returned call is an acknowledged write. */
    private static void execute(Path dir, int port, String... sql) throws SQLException, IOException {
        String password = Files.readString(dir.resolveSibling(dir.getFileName() + ".password")).strip();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
                Statement statement = connection.createStatement()) {
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }
}

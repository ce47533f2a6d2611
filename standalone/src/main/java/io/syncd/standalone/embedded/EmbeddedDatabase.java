package io.syncd.standalone.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server (zonky's binaries) keeping its data in a folder, configured to be durable. It listens on
 * 127.0.0.1 only and takes password (SCRAM) authentication only, with a generated password kept beside the folder
 * ({@code <dir>.password}, owner-only). It stops when the JVM that started it is gone, also after {@code kill -9}.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String USER = "postgres";
    /**
     * The whole of pg_hba.conf, written before every start: no {@code trust}, no socket, no other address. A data
     * directory whose pg_hba.conf differs was made before passwords (or edited): see {@link #setPassword}.
     */
    static final String HBA = """
            # Written by syncd before every start of this server: connections over TCP from 127.0.0.1 only, each with
            # the password kept beside this folder (postgres.password). Changes made here are overwritten.
            host all all 127.0.0.1/32 scram-sha-256
            """;
    /**
     * PostgreSQL's own default. 1 GB kept a 150 s sustained load's index pages cached (pg_stat_io: 1.2-1.5 reads and
     * writes per change by its end with 128 MB, none with 1 GB) but decided no more changes, the operating system's
     * page cache absorbing those reads and writes (docs/BENCHMARKS.md).
     */
    public static final int DEFAULT_SHARED_BUFFERS_MB = 128;
    static final Duration STOP_WAIT = Duration.ofSeconds(15);
    // Crash recovery replays the WAL written since the last checkpoint before the server accepts connections.
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Path SHELL = Path.of("/bin/sh");
    /** How often the postmaster is looked at, to tell its owner should it exit unasked. */
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
    private static final FatalFaultListener LOG_ONLY = (component, reason) -> log.error("{}", reason);

    private final EmbeddedPostgres postgres;
    private final ProcessHandle postmaster;
    private final Path dataDir;
    private final String password;
    // Held as long as this object: the process's stdin closes when it is collected, and the shell then stops the server.
    private final Optional<Process> stopOnJvmExit;
    private boolean closed;

    private EmbeddedDatabase(EmbeddedPostgres postgres, ProcessHandle postmaster, Path dataDir, String password,
                             Optional<Process> stopOnJvmExit) {
        this.postgres = postgres;
        this.postmaster = postmaster;
        this.dataDir = dataDir;
        this.password = password;
        this.stopOnJvmExit = stopOnJvmExit;
    }

    /** {@link #start(Path, int, int)} with PostgreSQL's own default of 128 MB of shared buffers. */
    public static EmbeddedDatabase start(Path dir, int port) {
        return start(dir, port, DEFAULT_SHARED_BUFFERS_MB);
    }

    /** {@link #start(Path, int, int, FatalFaultListener)} that only logs a server that exits unasked. */
    public static EmbeddedDatabase start(Path dir, int port, int sharedBuffersMb) {
        return start(dir, port, sharedBuffersMb, LOG_ONLY);
    }

    /**
     * Starts PostgreSQL on the data directory {@code dir}, creating the cluster on first use. Port 0 reuses the port of
     * the last run if it is free, else picks a free one; any other port is used as is and must be free.
     *
     * @param sharedBuffersMb PostgreSQL's page cache ({@code shared_buffers}) in MB, set on every start
     * @param onFatalFault told (from a thread of its own, within a second or so) should the server exit without
     *        {@link #close()}: killed, crashed
     */
    public static EmbeddedDatabase start(Path dir, int port, int sharedBuffersMb, FatalFaultListener onFatalFault) {
        if (sharedBuffersMb < 1) {
            throw new IllegalArgumentException("sync.embedded.postgres-shared-buffers-mb must be at least 1, was "
                    + sharedBuffersMb);
        }
        long started = System.nanoTime();
        Path dataDir = dir.toAbsolutePath().normalize();
        // Beside the data directory, not in it: initdb refuses a directory that is not empty.
        Path serverLog = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        Path passwordFile = dataDir.resolveSibling(dataDir.getFileName() + ".password");
        try {
            Files.createDirectories(dataDir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dataDir.getParent(), e);
        }
        OwnerOnly.file(serverLog);
        boolean created = !Files.exists(dataDir.resolve("postgresql.conf"));
        boolean passwordOnly = !created && HBA.equals(readHba(dataDir));
        if (passwordOnly && !Files.exists(passwordFile)) {
            throw new IllegalStateException("The embedded PostgreSQL in " + dataDir + " takes only the password that was kept in "
                    + passwordFile + ", which is missing: restore it. (To give it a new password instead, replace its "
                    + "pg_hba.conf with the line \"host all all 127.0.0.1/32 trust\": the next start sets a new one.)");
        }
        String password = OwnerOnly.secret(passwordFile);
        PostgresProcesses.ensureNotInUse(dataDir);
        PostgresProcesses.stopOrphanedServer(dataDir);
        Ports ports = new Ports(dataDir.resolveSibling(dataDir.getFileName() + ".ports.properties"));
        int chosen = ports.choose("postgres", port);
        if (port == 0 && !Ports.isFree(chosen)) {
            // Checked before, not found out by a failed start: zonky keeps the data directory's lock after one.
            chosen = ports.fresh("postgres");
        }
        EmbeddedPostgres postgres = startServer(dataDir, chosen, sharedBuffersMb, serverLog, passwordFile, password,
                created || passwordOnly);
        ProcessHandle postmaster = PostgresProcesses.livePostmaster(dataDir).orElseThrow(() -> new IllegalStateException(
                "The embedded PostgreSQL in " + dataDir + " started but " + dataDir.resolve("postmaster.pid") + " names no live process"));
        Optional<Process> stopOnJvmExit = Optional.empty();
        try {
            if (!created && !passwordOnly) {
                setPassword(dataDir, chosen, password, passwordFile);
            }
            stopOnJvmExit = stopWhenThisJvmEnds(dataDir, postmaster);
        } catch (RuntimeException e) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
        log.info("Embedded PostgreSQL started at 127.0.0.1:{} in {} ms (data in {}{}, {} MB shared buffers, messages in {})",
                chosen, (System.nanoTime() - started) / 1_000_000, dataDir, created ? ", created now" : "", sharedBuffersMb,
                serverLog);
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, postmaster, dataDir, password, stopOnJvmExit);
        database.watch(onFatalFault, serverLog);
        return database;
    }

    /**
     * @param passwordOnly whether pg_hba.conf is to be {@link #HBA} from the start: true unless the directory was made
     *        before passwords, whose server must first be given one (see {@link #setPassword})
     */
    private static EmbeddedPostgres startServer(Path dataDir, int port, int sharedBuffersMb, Path serverLog, Path passwordFile,
                                                String password, boolean passwordOnly) {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // The owner closes it, after the application that uses it; a JVM shutdown hook would race that.
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(STARTUP_WAIT)
                    // zonky runs initdb with "-A trust" and nothing else to pass but these "--name=value" options, which
                    // come after it and win: the superuser has its password, and host connections need it, from the start.
                    .setLocaleConfig("pwfile", passwordFile.toString())
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    // zonky's own check that the server is up connects as the superuser.
                    .setConnectConfig("password", password)
                    .setDataDirectoryCustomizer(directory -> {
                        if (passwordOnly) {
                            OwnerOnly.write(directory.toPath().resolve("pg_hba.conf"), HBA);
                        }
                    })
                    // Its messages outlive this JVM: a server orphaned by kill -9 keeps writing them.
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    // zonky turns these off for speed (and passes -F); an acknowledged commit must survive a crash.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", sharedBuffersMb + "MB")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // No socket and socket lock file in /tmp that could clash with another server on the same port.
                    .setServerConfig("unix_socket_directories", "''")
                    .start();
        } catch (IOException | RuntimeException e) {
            IllegalStateException failure = new IllegalStateException("The embedded PostgreSQL in " + dataDir
                    + " did not start on 127.0.0.1:" + port + "; its messages are in " + serverLog + ":\n" + tail(serverLog), e);
            try {
                // A server that came up too late for zonky's wait would keep the port and the directory.
                PostgresProcesses.stopOrphanedServer(dataDir);
            } catch (RuntimeException stopFailure) {
                failure.addSuppressed(stopFailure);
            }
            throw failure;
        }
    }

    private static String readHba(Path dataDir) {
        try {
            Path hba = dataDir.resolve("pg_hba.conf");
            return Files.exists(hba) ? Files.readString(hba, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dataDir.resolve("pg_hba.conf"), e);
        }
    }

    /**
     * A data directory made before passwords has a superuser without one and a pg_hba.conf that trusts every local
     * connection; its server was started with that once more (as every start before did). The superuser gets the
     * password now, and pg_hba.conf becomes {@link #HBA}, which the server reloads: from then on it takes the password only.
     */
    private static void setPassword(Path dataDir, int port, String password, Path passwordFile) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, password);
                Statement statement = connection.createStatement()) {
            // ALTER ROLE takes no parameters; the literal is escaped as a standard string (quotes doubled).
            statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password.replace("'", "''") + "'");
            OwnerOnly.write(dataDir.resolve("pg_hba.conf"), HBA);
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot give the embedded PostgreSQL in " + dataDir
                    + " the password kept in " + passwordFile + " (its pg_hba.conf must let it connect from 127.0.0.1)", e);
        }
        log.warn("The embedded PostgreSQL in {} trusted every local connection: it takes only the password kept in {} now",
                dataDir, passwordFile);
    }

    /**
     * A shell that outlives this JVM only to stop its PostgreSQL, which runs outside the JVM's process tree and would
     * otherwise keep running and hold its port after {@code kill -9}. It reads a pipe that only this JVM writes to (a
     * child gets none of the JVM's other descriptors), which ends once the JVM is gone, however it ended; it then asks
     * the postmaster for a fast shutdown, if postmaster.pid still names it (a pid reused since must not get the
     * signal). It ignores the terminal's Ctrl-C, which the JVM handles by stopping the server itself. Where there is
     * no {@code /bin/sh}, the next start stops such a server ({@link #stopOrphanedServer}).
     */
    private static Optional<Process> stopWhenThisJvmEnds(Path dataDir, ProcessHandle postmaster) {
        if (!Files.isExecutable(SHELL)) {
            return Optional.empty();
        }
        String script = "trap '' INT HUP QUIT; read -r line; "
                + "IFS= read -r pid < \"$0/postmaster.pid\" && [ \"$pid\" = \"$1\" ] && kill -INT \"$1\"";
        try {
            return Optional.of(new ProcessBuilder(SHELL.toString(), "-c", script, dataDir.toString(),
                    Long.toString(postmaster.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the shell that stops the embedded PostgreSQL in " + dataDir
                    + " should this JVM end without stopping it", e);
        }
    }

    /** Tells {@code onFatalFault} should the postmaster exit before {@link #close()}, which still releases the rest. */
    private void watch(FatalFaultListener onFatalFault, Path serverLog) {
        Thread watcher = new Thread(() -> {
            try {
                while (true) {
                    TimeUnit.MILLISECONDS.sleep(WATCH_INTERVAL.toMillis());
                    synchronized (this) {
                        if (closed) {
                            return;
                        }
                        if (!PostgresProcesses.isAlive(postmaster)) {
                            break;
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
            onFatalFault.fatalFault("postgres", "The embedded PostgreSQL (pid " + postmaster.pid() + ", data in " + dataDir
                    + ") exited unasked; its messages are in " + serverLog);
        }, "embedded-postgres-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    /** The superuser zonky's initdb creates. */
    public String username() {
        return USER;
    }

    /** The superuser's password, kept owner-only beside the data directory ({@code <dir>.password}). */
    public String password() {
        return password;
    }

    /** The server's TCP port on 127.0.0.1. */
    public int port() {
        return postgres.getPort();
    }

    /** Whether this server's postmaster is alive and {@link #close()} has not been called. */
    public synchronized boolean isRunning() {
        return !closed && PostgresProcesses.isAlive(postmaster);
    }

    /** Stops the server (fast shutdown: sessions are ended, a checkpoint is written) and waits for it; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        stopOnJvmExit.ifPresent(Process::destroy);
        try {
            // zonky logs rather than throws when pg_ctl stop fails or times out (after 5 s); the wait below catches that.
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Stopping the embedded PostgreSQL in " + dataDir + " failed", e);
        }
        if (!PostgresProcesses.awaitExit(postmaster, STOP_WAIT)) {
            throw new IllegalStateException("The embedded PostgreSQL " + postmaster.pid() + " in " + dataDir
                    + " is still running " + STOP_WAIT.toSeconds() + " s after it was asked to stop");
        }
        log.info("Embedded PostgreSQL at 127.0.0.1:{} stopped in {} ms", postgres.getPort(), (System.nanoTime() - started) / 1_000_000);
    }
}

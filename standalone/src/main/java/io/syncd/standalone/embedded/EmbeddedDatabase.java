package io.syncd.standalone.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A PostgreSQL server (zonky's binaries) keeping its data in a folder, configured to be durable. */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration STALE_STOP_TIMEOUT = Duration.ofSeconds(15);

    private final EmbeddedPostgres postgres;
    private boolean closed;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL on {@code dir}; port 0 reuses the last port or picks a free one. */
    public static EmbeddedDatabase start(Path dir, int port) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir.getParent(), e);
        }
        stopOrphanedServer(dir);
        int chosen = new Ports(dir.resolveSibling(dir.getFileName() + ".ports.properties")).choose("postgres", port);
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(chosen)
                    .setPGStartupWait(Duration.ofSeconds(120))
                    // zonky turns these off for speed; an acknowledged write must survive a crash.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
            log.info("Embedded PostgreSQL started on 127.0.0.1:{} in {} ms", chosen, (System.nanoTime() - started) / 1_000_000);
            return new EmbeddedDatabase(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("The embedded PostgreSQL in " + dir + " did not start", e);
        }
    }

    /**
     * After {@code kill -9} of the JVM its PostgreSQL child keeps running and holds the folder; stop it. A pid file
     * naming a process that is gone is left to PostgreSQL, which handles it.
     */
    private static void stopOrphanedServer(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) {
                return;
            }
            pid = Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        log.warn("PostgreSQL {} of an earlier run still holds {}; stopping it", pid, dir);
        ProcessHandle server = process.get();
        server.destroy();
        try {
            server.onExit().get(STALE_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            server.destroyForcibly();
            try {
                server.onExit().get(STALE_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception again) {
                throw new IllegalStateException("PostgreSQL " + pid + " of an earlier run does not stop; stop it and retry", again);
            }
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    public String username() {
        return "postgres";
    }

    public String password() {
        return "postgres";
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Stopping the embedded PostgreSQL failed", e);
        }
    }
}

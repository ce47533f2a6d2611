package io.syncd.standalone.embedded;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL processes of a data directory, as the operating system shows them: whether one is alive (and not a
 * zombie), and those an earlier run left behind, found through {@code /proc} and stopped before a new server starts.
 */
final class PostgresProcesses {
    private static final Logger log = LoggerFactory.getLogger(PostgresProcesses.class);
    private static final Duration EXIT_POLL = Duration.ofMillis(20);
    // zonky's lock file in the data directory, held by the JVM that runs the server.
    private static final String ZONKY_LOCK = "epg-lock";
    private static final boolean PROCFS = Files.isDirectory(Path.of("/proc/self"));

    private PostgresProcesses() {
    }

    /**
     * Refuses a data directory that a running EmbeddedDatabase holds (zonky's lock), in this JVM or another: its server
     * is not an orphan and must not be stopped.
     */
    static void ensureNotInUse(Path dataDir) {
        Path lockFile = dataDir.resolve(ZONKY_LOCK);
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileOutputStream out = new FileOutputStream(lockFile.toFile(), true); FileLock lock = out.getChannel().tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("The PostgreSQL data directory " + dataDir + " is in use by another process; "
                        + "stop it or choose another sync.data-dir");
            }
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("The PostgreSQL data directory " + dataDir + " is already in use in this process", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check the lock " + lockFile, e);
        }
    }

    /**
     * After {@code kill -9} of the JVM its PostgreSQL keeps running and holds the data directory: stop it, and any
     * backend left by a postmaster that was killed alone (the new server would refuse to share the directory with it).
     * Then a pid file still naming a live process must go, as PostgreSQL would refuse it: that process is not a server
     * of this directory but a reused pid (after a reboot) or a killed postmaster not yet reaped (a zombie); without
     * {@code /proc} that cannot be told, and PostgreSQL's refusal stands. A pid file naming a process that is gone is
     * left to PostgreSQL, which handles it.
     */
    static void stopOrphanedServer(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> named = pidFileProcess(pidFile);
        List<ProcessHandle> servers = serverProcesses(dataDir, named);
        if (!servers.isEmpty()) {
            stop(servers, named.filter(servers::contains), dataDir);
        }
        Optional<ProcessHandle> stale = pidFileProcess(pidFile).filter(ProcessHandle::isAlive);
        if (PROCFS && stale.isPresent()) {
            log.warn("{} names process {}, which is no server of this directory (a reused pid, or a killed server not yet "
                    + "reaped): removing the stale file", pidFile, stale.get().pid());
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot remove the stale " + pidFile, e);
            }
        }
    }

    /**
     * The live PostgreSQL processes working in the data directory: each of them changes into it at start. Where there
     * is no {@code /proc} to tell, the process the pid file names, if its command line is this directory's server.
     */
    private static List<ProcessHandle> serverProcesses(Path dataDir, Optional<ProcessHandle> named) {
        if (!PROCFS) {
            return named.filter(PostgresProcesses::isAlive).filter(p -> isServerOf(p.info(), dataDir)).stream().toList();
        }
        Path realDir;
        try {
            realDir = dataDir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve " + dataDir, e);
        }
        return ProcessHandle.allProcesses()
                .filter(p -> workingDirectory(p).filter(realDir::equals).isPresent())
                .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false))
                .filter(PostgresProcesses::isAlive)
                .toList();
    }

    private static Optional<Path> workingDirectory(ProcessHandle process) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Gone, or another user's: a server of this directory runs as its owner, which is us.
            return Optional.empty();
        }
    }

    /** Smart shutdown of the postmaster first (the dead JVM's sessions are gone), then SIGKILL for what is left. */
    private static void stop(List<ProcessHandle> servers, Optional<ProcessHandle> postmaster, Path dataDir) {
        log.warn("PostgreSQL of an earlier run still holds {} (pids {}); stopping it", dataDir,
                servers.stream().map(p -> Long.toString(p.pid())).toList());
        postmaster.ifPresent(ProcessHandle::destroy);
        boolean stopped = postmaster.isPresent() && awaitExit(postmaster.get(), EmbeddedDatabase.STOP_WAIT)
                && servers.stream().allMatch(p -> awaitExit(p, EmbeddedDatabase.STOP_WAIT));
        if (stopped) {
            return;
        }
        log.warn("PostgreSQL in {} did not stop within {} s; killing it", dataDir, EmbeddedDatabase.STOP_WAIT.toSeconds());
        servers.forEach(ProcessHandle::destroyForcibly);
        List<Long> survivors = servers.stream().filter(p -> !awaitExit(p, EmbeddedDatabase.STOP_WAIT)).map(ProcessHandle::pid).toList();
        if (!survivors.isEmpty()) {
            throw new IllegalStateException("PostgreSQL processes " + survivors + " of an earlier run holding " + dataDir
                    + " do not stop; stop them and retry");
        }
    }

    /** The server zonky starts runs {@code .../bin/postgres -D <dir> ...}; the postmaster keeps that command line. */
    private static boolean isServerOf(ProcessHandle.Info info, Path dataDir) {
        if (!info.command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false)) {
            return false;
        }
        List<String> arguments = List.of(info.arguments().orElse(new String[0]));
        int d = arguments.indexOf("-D");
        return d >= 0 && d + 1 < arguments.size() && Path.of(arguments.get(d + 1)).toAbsolutePath().normalize().equals(dataDir);
    }

    private static Optional<ProcessHandle> pidFileProcess(Path pidFile) {
        List<String> lines;
        try {
            lines = Files.exists(pidFile) ? Files.readAllLines(pidFile, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pidFile, e);
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            // A torn write of a crashing server: PostgreSQL treats it as stale too.
            return Optional.empty();
        }
    }

    static Optional<ProcessHandle> livePostmaster(Path dataDir) {
        return pidFileProcess(dataDir.resolve("postmaster.pid")).filter(PostgresProcesses::isAlive);
    }

    /** Polls: {@link ProcessHandle#onExit()} of a process that is not our child notices its end only seconds later. */
    static boolean awaitExit(ProcessHandle process, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (isAlive(process)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(EXIT_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for PostgreSQL " + process.pid() + " to stop", e);
            }
        }
        return true;
    }

    /**
     * Alive and not a zombie. The postmaster is orphaned as soon as pg_ctl exits, and where nothing reaps orphans (a
     * container whose PID 1 is this JVM) it stays a zombie forever, which {@link ProcessHandle#isAlive()} counts as alive.
     */
    static boolean isAlive(ProcessHandle process) {
        if (!process.isAlive() || !PROCFS) {
            return process.isAlive();
        }
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            String line = Files.readString(stat, StandardCharsets.UTF_8);
            // "pid (command) state ...": the command may hold spaces and parentheses, the state follows the last ')'.
            String afterCommand = line.substring(line.lastIndexOf(')') + 1).strip();
            return !(afterCommand.startsWith("Z") || afterCommand.startsWith("X"));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}

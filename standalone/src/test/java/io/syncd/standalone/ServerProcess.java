package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged jar, {@code target/sync-standalone.jar}, run as a separate process for tests that kill it. Every
 * process started here is also killed when the test JVM exits, with the PostgreSQL an embedded server leaves behind
 * when its JVM is killed (it runs outside the JVM's process tree), so a failed run leaves no orphans.
 */
final class ServerProcess implements AutoCloseable {
    /** Generous: a start that takes 20 s alone took over 90 s beside other JVMs and builds on a loaded 2-core machine. */
    static final Duration START_LIMIT = Duration.ofMinutes(3);
    private static final Duration EXIT_LIMIT = Duration.ofSeconds(30);
    private static final Set<ServerProcess> UNCLOSED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> UNCLOSED.forEach(ServerProcess::close), "server-process-reaper"));
    }

    private final String name;
    private final Path dataDir;
    private final Path log;
    private final Api api;
    private final Process process;

    private ServerProcess(String name, Path dataDir, Path log, int port, Process process) {
        this.name = name;
        this.dataDir = dataDir;
        this.log = log;
        this.api = new Api("http://127.0.0.1:" + port);
        this.process = process;
    }

    /**
     * Starts the jar with {@code jvmOptions} on a free HTTP port and {@code dataDir}, with {@code args} after those;
     * its output goes to a log file beside the data folder. Returns at once: see {@link #awaitHealthy()}.
     */
    static ServerProcess start(String name, Path dataDir, List<String> jvmOptions, String... args) {
        return start(name, dataDir, freePort(), jvmOptions, args);
    }

    /** As {@link #start(String, Path, List, String...)}, on {@code port}: a restart keeps its address. */
    static ServerProcess start(String name, Path dataDir, int port, List<String> jvmOptions, String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=" + port, "--sync.data-dir=" + dataDir));
        all.addAll(List.of(args));
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return launch(name, dataDir, port, dataDir.getParent(), jvmOptions, all);
    }

    /**
     * The jar with exactly {@code args}, run in {@code workDir} (where a default {@code ./sync-data} would be), for
     * tests of its command line; its data folder is taken to be {@code workDir/sync-data}.
     */
    static ServerProcess startWithArguments(String name, Path workDir, List<String> jvmOptions, String... args) {
        return launch(name, workDir.resolve("sync-data"), 8080, workDir, jvmOptions, List.of(args));
    }

    private static ServerProcess launch(String name, Path dataDir, int port, Path workDir, List<String> jvmOptions,
                                        List<String> args) {
        Path jar = Path.of("target", "sync-standalone.jar").toAbsolutePath();
        assertThat(jar).as("the packaged jar (mvn -pl standalone -am package)").exists();
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ServerProcess server = new ServerProcess(name, dataDir, log, port, process);
            UNCLOSED.add(server);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    Api api() {
        return api;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    Path dataDir() {
        return dataDir;
    }

    /** Waits (bounded) until {@code GET /health} answers 200; returns how long that took, in ms. */
    long awaitHealthy() {
        return awaitHealthy(START_LIMIT);
    }

    /** As {@link #awaitHealthy()}, within {@code limit}. */
    long awaitHealthy(Duration limit) {
        long start = System.nanoTime();
        try {
            await(name + " healthy").atMost(limit).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
                }
                return api.get("/health", null).status() == 200;
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " was not healthy within " + limit + ":\n" + tail(), e);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Waits (bounded) until the process exits on its own; returns its exit status. */
    int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit within " + limit + ":\n"
                        + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name + " to exit", e);
        }
        return process.exitValue();
    }

    /** Everything the process wrote so far (stdout and stderr). */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs; an embedded PostgreSQL it started keeps running. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM, as an operator or orchestrator stops it; returns how long it took to exit, in ms (at most 30 s). */
    long stop() {
        long start = System.nanoTime();
        process.destroy();
        awaitExit();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(EXIT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit within " + EXIT_LIMIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name + " to exit", e);
        }
    }

    /**
     * Kills the process if it runs, and the embedded PostgreSQL its data folder names if it was left running and no
     * other process started here runs on that folder (a restart took the orphan over).
     */
    @Override
    public void close() {
        UNCLOSED.remove(this);
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(EXIT_LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (UNCLOSED.stream().noneMatch(other -> other.dataDir.equals(dataDir) && other.isAlive())) {
            killOrphanedPostgres(dataDir.resolve("postgres"));
        }
    }

    /** The postmaster named by the pid file of that PostgreSQL data folder, and its backends. */
    private static void killOrphanedPostgres(Path postgresData) {
        Path pidFile = postgresData.resolve("postmaster.pid");
        Optional<ProcessHandle> postmaster;
        try {
            List<String> lines = Files.exists(pidFile) ? Files.readAllLines(pidFile, StandardCharsets.UTF_8) : List.of();
            postmaster = lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return;
        }
        postmaster.filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false)).ifPresent(p -> {
            List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
            all.add(p);
            all.forEach(ProcessHandle::destroyForcibly);
            await("PostgreSQL " + p.pid() + " killed").atMost(EXIT_LIMIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> all.stream().noneMatch(ServerProcess::running));
        });
    }

    /** Alive and not a zombie: an orphaned postmaster may linger as one where nothing reaps it. */
    static boolean running(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"), StandardCharsets.UTF_8);
            return !stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException e) {
            return process.isAlive();
        }
    }

    /** The last lines of the process's output, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "(" + log + ")\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** A port free on loopback right now. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.syncd.standalone.embedded;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;

/**
 * A separate JVM running one embedded server on a folder until its stdin closes, so that a test can {@code kill -9}
 * the JVM the server belongs to.
 */
public final class EmbeddedServerProcess {
    private static final String READY = "READY ";

    private final Process process;
    private final Path output;
    private final int port;

    private EmbeddedServerProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** The child's entry point: {@code postgres|kafka <dir>}. */
    public static void main(String[] args) throws Exception {
        quietLogs();
        Path dir = Path.of(args[1]);
        AutoCloseable server;
        int port;
        if (args[0].equals("postgres")) {
            EmbeddedDatabase database = EmbeddedDatabase.start(dir, 0);
            server = database;
            port = database.port();
        } else {
            EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
            server = kafka;
            port = kafka.port();
        }
        System.out.println(READY + port);
        System.out.flush();
        // Serves until the parent closes our stdin, or kills us, which is what the tests do.
        while (System.in.read() != -1) {
            continue;
        }
        server.close();
    }

    /** Starts {@code kind} ("postgres" or "kafka") on {@code dir} in a new JVM and waits until it serves. */
    static EmbeddedServerProcess start(String kind, Path dir) throws IOException {
        Path output = Files.createTempFile(dir.getParent(), kind + "-child-", ".out");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), EmbeddedServerProcess.class.getName(), kind, dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            String ready = await("the child JVM's " + kind + " to be ready").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> readyLine(output, process), Optional::isPresent)
                    .orElseThrow();
            return new EmbeddedServerProcess(process, output, Integer.parseInt(ready.substring(READY.length()).trim()));
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException("The child JVM did not get " + kind + " ready:\n" + read(output), e);
        }
    }

    private static Optional<String> readyLine(Path output, Process process) {
        Optional<String> ready = read(output).lines().filter(l -> l.startsWith(READY)).findFirst();
        if (ready.isEmpty() && !process.isAlive()) {
            throw new IllegalStateException("The child JVM exited with " + process.exitValue());
        }
        return ready;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Without Spring nothing lowers logback's DEBUG default, and the broker would log tens of thousands of lines. */
    public static void quietLogs() {
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger", "io.zonky")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
        }
    }

    int port() {
        return port;
    }

    /**
     * SIGKILL of the JVM's children first (the shell that would stop its PostgreSQL once the JVM is gone), then of the
     * JVM: its PostgreSQL is left running, as where there is no such shell or it was killed too.
     */
    void killLeavingItsServerRunning() throws InterruptedException {
        List<ProcessHandle> children = process.children().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle child : children) {
            child.onExit().join();
        }
        kill();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook, no close; what outlives the JVM is left to itself. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The child JVM " + process.pid() + " survived SIGKILL:\n" + read(output));
        }
    }
}

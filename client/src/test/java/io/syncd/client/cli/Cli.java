package io.syncd.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.syncd.client.SyncClient;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;

/** Runs {@code client/target/sync-cli.jar} as a user does: a separate {@code java -jar} process per command. */
final class Cli {
    private static final Path JAR =
            Path.of(System.getProperty("sync.cli.jar", "target/sync-cli.jar")).toAbsolutePath().normalize();

    /** What one command did: exit code, stdout and stderr. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            assertThat(out).as("stdout of a successful command (stderr: %s)", err).isNotBlank();
            return Json.MAPPER.readTree(out);
        }

        Run succeeded() {
            assertThat(exit).as("exit code; stderr: %s", err).isZero();
            return this;
        }
    }

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static Optional<Path> archive;

    private Cli() {
    }

    /**
     * A class-data-sharing archive of the CLI's classes, dumped once by a first run: each later {@code java -jar}
     * starts about a third faster, which adds up over the dozens of processes these tests start.
     */
    private static synchronized Optional<Path> classDataSharing() {
        if (archive == null) {
            Path file = JAR.resolveSibling("sync-cli.jsa");
            try {
                Path db = Files.createTempFile("cli-cds", ".db");
                SyncClient.open(db).close(); // a store: the CLI opens no other file
                Process dump = new ProcessBuilder(JAVA, "-XX:ArchiveClassesAtExit=" + file, "-jar", JAR.toString(),
                        "--db", db.toString(), "list", "books").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                boolean dumped = dump.waitFor(60, TimeUnit.SECONDS) && dump.exitValue() == 0 && Files.exists(file);
                for (String suffix : List.of("", "-wal", "-shm")) {
                    Files.deleteIfExists(Path.of(db + suffix));
                }
                archive = dumped ? Optional.of(file) : Optional.empty();
            } catch (IOException e) {
                archive = Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                archive = Optional.empty();
            }
        }
        return archive;
    }

    static Run run(Path db, String... args) {
        assertThat(JAR).as("the CLI jar (built by mvn package)").exists();
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1"));
        classDataSharing().ifPresent(archive -> command.add("-XX:SharedArchiveFile=" + archive));
        command.addAll(List.of("-jar", JAR.toString()));
        if (db != null) {
            command.add("--db");
            command.add(db.toString());
        }
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the CLI did not finish within 60 s: " + command);
            }
            Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package io.syncd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used on this machine by this JVM (the bench client and, with the embedded default, the whole server
 * with its Kafka broker) and by every PostgreSQL process, read from Linux's {@code /proc}. CPU time per unit of work
 * moves far less than throughput on a machine shared with noisy neighbours, so it tells changes apart.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Java runs on

    /** CPU seconds so far: of this JVM and of the PostgreSQL processes; NaN where /proc is not readable. */
    record Reading(double jvmSeconds, double postgresSeconds) {
        Reading minus(Reading start) {
            return new Reading(jvmSeconds - start.jvmSeconds, postgresSeconds - start.postgresSeconds);
        }
    }

    private CpuMeter() {
    }

    static Reading read() {
        return new Reading(ticks(Path.of("/proc/self/stat")) / TICKS_PER_SECOND, postgresTicks() / TICKS_PER_SECOND);
    }

    private static double postgresTicks() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> "postgres".equals(comm(p)))
                    .mapToDouble(p -> ticks(p.resolve("stat")))
                    .filter(t -> !Double.isNaN(t))
                    .sum();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private static String comm(Path process) {
        try {
            return Files.readString(process.resolve("comm")).strip();
        } catch (IOException e) {
            return ""; // gone meanwhile
        }
    }

    /** utime + stime of one process, in ticks (fields 14 and 15 of its stat line, after the command in parentheses). */
    private static double ticks(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}

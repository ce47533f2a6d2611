package io.syncd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time used on this machine by this JVM (the bench client and, with the embedded default, the whole server
 * with its Kafka broker), by every PostgreSQL process, and by everything else, read from Linux's {@code /proc}. CPU
 * time per unit of work moves far less than throughput on a machine shared with noisy neighbours, so it tells changes
 * apart; what everything else took says when a neighbour (a kernel thread, another process) shared the cores.
 */
final class CpuMeter {
    static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Java runs on

    /**
     * CPU seconds so far: of this JVM, of the PostgreSQL processes, of the whole machine (every core's busy time,
     * including time the hypervisor stole), and of every other process by pid; NaN where /proc is not readable.
     */
    record Reading(double jvmSeconds, double postgresSeconds, double machineSeconds, Map<String, Other> others) {
        Reading minus(Reading start) {
            Map<String, Other> used = new HashMap<>();
            others.forEach((pid, other) -> {
                Other before = start.others.get(pid);
                used.put(pid, new Other(other.name(), other.seconds() - (before == null ? 0 : before.seconds())));
            });
            return new Reading(jvmSeconds - start.jvmSeconds, postgresSeconds - start.postgresSeconds,
                    machineSeconds - start.machineSeconds, used);
        }

        /** Busy time of the machine that was neither this JVM nor PostgreSQL. */
        double elsewhereSeconds() {
            return machineSeconds - jvmSeconds - postgresSeconds;
        }

        /** The other process that used the most CPU, or null when none used any. */
        Other busiestOther() {
            return others.values().stream().filter(o -> o.seconds() > 0)
                    .max(Comparator.comparingDouble(Other::seconds)).orElse(null);
        }
    }

    /**
     * A process other than this JVM and PostgreSQL: its name when last read (a kernel worker's changes with its
     * work) and its CPU seconds.
     */
    record Other(String name, double seconds) {
    }

    private CpuMeter() {
    }

    static Reading read() {
        List<Path> processes = processes();
        double postgres = processes == null ? Double.NaN : 0;
        Map<String, Other> others = new HashMap<>();
        String self = String.valueOf(ProcessHandle.current().pid());
        for (Path process : processes == null ? List.<Path>of() : processes) {
            String pid = process.getFileName().toString();
            String stat = stat(process);
            if (pid.equals(self) || stat == null) {
                continue; // this JVM is read from /proc/self below; a process gone meanwhile has no stat
            }
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            double seconds = ticks(stat) / TICKS_PER_SECOND;
            if (Double.isNaN(seconds)) {
                continue;
            }
            if ("postgres".equals(name)) {
                postgres += seconds;
            } else {
                others.put(pid, new Other(name, seconds));
            }
        }
        String own = stat(Path.of("/proc/self"));
        return new Reading(own == null ? Double.NaN : ticks(own) / TICKS_PER_SECOND, postgres,
                machineTicks() / TICKS_PER_SECOND, others);
    }

    /** The process folders of /proc; null where there is none (not Linux). */
    private static List<Path> processes() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
        } catch (IOException e) {
            return null;
        }
    }

    /** A process's stat line: its name in parentheses, then its fields; null once it is gone. */
    private static String stat(Path process) {
        try {
            return Files.readString(process.resolve("stat"));
        } catch (IOException e) {
            return null;
        }
    }

    /** utime + stime, in ticks (fields 14 and 15 of a stat line, after the name in parentheses); NaN if unreadable. */
    static double ticks(String stat) {
        try {
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy ticks of every core: user, nice, system, irq, softirq and steal of /proc/stat's first line. */
    private static double machineTicks() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}

package io.syncd.projector.admin;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;

/**
 * Logs how far a long admin job (verify, rebuild, import) has come: changes done, rate and time left, at most once
 * every {@link #EVERY}, so an operator watching the log knows it is alive and when it will end. Until closed it is
 * also among {@link #running()}, which {@code GET /api/admin/jobs} lists (the console shows a verify's progress).
 */
public final class Progress implements AutoCloseable {
    static final Duration EVERY = Duration.ofSeconds(5);
    /** Jobs of this process under way: one set per JVM, as the jobs run in its request threads. */
    private static final Set<Progress> RUNNING = ConcurrentHashMap.newKeySet();

    private final Logger log;
    private final String job;
    private final long start = System.nanoTime();
    // Written by the job's thread, read by GET /api/admin/jobs.
    private volatile long total;
    private volatile long done;
    private long lastLog = start;

    /** @param total how many changes the job will handle, or -1 when not known (no time left is then given) */
    public Progress(Logger log, String job, long total) {
        this.log = log;
        this.job = job;
        this.total = total;
        RUNNING.add(this);
    }

    /** A job under way: changes done of total (-1: not known yet), since when. */
    public record Snapshot(String job, long done, long total, long elapsedMs) {
    }

    /** The jobs under way in this process, the longest-running first. */
    public static List<Snapshot> running() {
        return RUNNING.stream().map(p -> new Snapshot(p.job, p.done, p.total, p.elapsedMillis()))
                .sorted(Comparator.comparingLong(Snapshot::elapsedMs).reversed()).toList();
    }

    /** The job ended (done or failed): it is no longer listed as running. */
    @Override
    public void close() {
        RUNNING.remove(this);
    }

    /** Sets the total once it is known. */
    public void total(long total) {
        this.total = total;
    }

    public void advance(long changes) {
        done += changes;
        long now = System.nanoTime();
        if (now - lastLog >= EVERY.toNanos()) {
            lastLog = now;
            log.info("{}: {}", job, describe(now - start));
        }
    }

    public long done() {
        return done;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    String describe(long elapsedNanos) {
        double seconds = Math.max(1e-3, elapsedNanos / 1e9);
        long rate = Math.round(done / seconds);
        if (total < 0) {
            return String.format(java.util.Locale.ROOT, "%,d changes, %,d changes/s", done, rate);
        }
        long percent = total == 0 ? 100 : done * 100 / total;
        String left = rate == 0 ? "unknown" : Duration.ofSeconds((total - done) / Math.max(1, rate)).toString()
                .substring(2).toLowerCase();
        return String.format(java.util.Locale.ROOT, "%,d of %,d changes (%d %%), %,d changes/s, about %s left", done, total, percent, rate, left);
    }
}

package io.syncd.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import io.syncd.common.ContentCoding;
import io.syncd.standalone.embedded.EmbeddedDatabase;

/**
 * Phase 4: initial sync of 10,000 records and of 10,000 notes in each content coding and in both strokes formats,
 * the notes' stored size, 100,000 records, incremental.
 */
final class PullsPhase implements Phase {
    @Override
    public int number() {
        return 4;
    }

    @Override
    public String title() {
        return "pulls: initial sync of 10,000 records, of 10,000 notes, incremental";
    }

    @Override
    public List<String> keys() {
        return List.of("pull10k_ms", "pull10k_notes_ms", "pull10k_notes_ink_ms", "note_storage_bytes",
                "pull10k_notes_gzip_ms", "pull10k_notes_plain_ms", "pull100k_ms", "pull_incr_p50_ms");
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        Options options = run.options();
        PullScenarios pulls = new PullScenarios(run.client());
        String small = pulls.accountWithEvents(10_000);
        results.put("pull10k_ms", pulls.initialPull(small, 10_001, 3), "initial pull of 10,000 small records (ms); target ≤ 300");
        PullScenarios.Notes written = pulls.accountWithNotes(10_000);
        String notes = written.token();
        results.put("pull10k_notes_ms", pulls.initialPull(notes, 10_101, 3),
                "initial pull of 10,000 notes, ~5 KB strokes (ms); target ≤ 600");
        results.put("pull10k_notes_ink_ms", pulls.initialPull(notes, 10_101, 3, ",\"strokes_format\":\"ink\""),
                "the same notes pulled by an ink device (strokes_format ink, ms); target ≤ 0.5 × pull10k_notes_ms");
        results.put("note_storage_bytes", run.embedded() ? storedStrokesBytes(run.database(), written.book()) : null,
                run.embedded() ? "bytes PostgreSQL stores per note of them for its strokes (avg pg_column_size of"
                        + " strokes_ink); target ≤ 1,500" : "needs the embedded servers");
        results.put("pull10k_notes_gzip_ms", new PullScenarios(new BenchClient(run.url(), ContentCoding.GZIP))
                .initialPull(notes, 10_101, 3), "the same with gzip (clients without zstd)");
        results.put("pull10k_notes_plain_ms", new PullScenarios(new BenchClient(run.url(), null))
                .initialPull(notes, 10_101, 3), "the same uncompressed (loopback: compression is the cost)");
        if (options.quick()) {
            results.put("pull100k_ms", null, "full mode only");
        } else {
            String big = pulls.accountWithEvents(100_000);
            results.put("pull100k_ms", pulls.initialPull(big, 100_001, 1), "initial pull of 100,000 records (ms)");
        }
        results.put("pull_incr_p50_ms", pulls.incremental(options.count(50, 15)), "incremental pull of 50 changes, p50 (ms)");
    }

    /** The average stored size of the strokes of the notes in {@code book}, as PostgreSQL keeps them. */
    private static double storedStrokesBytes(EmbeddedDatabase database, UUID book) throws Exception {
        try (Connection conn = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
             PreparedStatement ps = conn.prepareStatement("SELECT avg(pg_column_size(strokes_ink)), count(*) FROM notes"
                     + " WHERE book_id = ?")) {
            ps.setObject(1, book);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(2) == 0) {
                    throw new IllegalStateException("no notes stored in the book " + book);
                }
                return rs.getDouble(1);
            }
        }
    }
}

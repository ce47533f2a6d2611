package io.syncd.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import io.syncd.standalone.embedded.EmbeddedDatabase;

/**
 * Phase 11: selective sync in a large account. An account of 1,000,000 events in 100 books (written straight into
 * PostgreSQL, positions interleaved across the books as months of use leave them), of which a device syncs 5 books
 * of 2,000 events each; then it adds a sixth such book. Runs after the replay phase: its rows have no audit trail,
 * which the replay's comparison would count as a difference.
 */
final class SelectivePhase implements Phase {
    private static final int BOOKS = 100;
    private static final int CHOSEN = 5;
    private static final int PAGE = 5000;

    @Override
    public int number() {
        return 11;
    }

    @Override
    public String title() {
        return "selective sync: 5 books of an account of 1,000,000 records, and adding a book";
    }

    @Override
    public List<String> keys() {
        return List.of("pull_selective_1m_ms", "backfill_book_ms");
    }

    @Override
    public String notMeasurable(Run run) {
        return run.embedded() ? null : "needs the embedded servers (the account is written straight into PostgreSQL)";
    }

    @Override
    public void measure(Run run, Results results) throws Exception {
        int records = run.options().quick() ? 100_000 : 1_000_000;
        int perChosenBook = records / 250 * 3 / (CHOSEN + 1);
        BenchClient client = run.client();
        BenchClient.Answer account = client.post("/api/accounts", null, "{\"name\":\"selective\"}");
        UUID accountId = UUID.fromString(account.body().get("account_id").stringValue());
        String token = client.post("/api/devices/register", null, "{\"enrollment_key\":\""
                + account.body().get("enrollment_key").stringValue() + "\",\"device_name\":\"selective\"}")
                .body().get("device_token").stringValue();
        EmbeddedDatabase database = run.database();
        long start = System.nanoTime();
        List<UUID> books = fill(database, accountId, records);
        System.out.printf("  wrote an account of %,d events in %d books in %.1f s%n", records, BOOKS,
                Stats.millisSince(start) / 1000);

        String chosen = booksField(books.subList(0, CHOSEN));
        client.pullAll(token, null, PAGE, chosen); // once not counted: the first run of this code path
        double[] times = new double[3];
        String cursor = null;
        for (int r = 0; r < times.length; r++) {
            long t = System.nanoTime();
            String[] pulled = client.pullAll(token, null, PAGE, chosen);
            times[r] = Stats.millisSince(t);
            check(pulled, CHOSEN * perChosenBook + BOOKS);
            cursor = pulled[1];
        }
        results.put("pull_selective_1m_ms", Stats.median(times), "initial pull of 5 books (10,000 events and the 100"
                + " book records) in an account of " + String.format("%,d", records) + " events in 100 books (ms);"
                + " target ≤ 2 × pull10k_ms");

        long t = System.nanoTime();
        String[] backfilled = client.pullAll(token, cursor, PAGE, booksField(books.subList(0, CHOSEN + 1)));
        double backfill = Stats.millisSince(t);
        check(backfilled, perChosenBook);
        results.put("backfill_book_ms", backfill, "adding a sixth book of 2,000 events to the subscription: the"
                + " pulls until has_more is false (ms); target ≤ 200");
        explain(database, accountId, books.get(0));
    }

    private static void check(String[] pulled, int expected) {
        if (Integer.parseInt(pulled[0]) != expected) {
            throw new IllegalStateException("the pull returned " + pulled[0] + " records, expected " + expected);
        }
    }

    private static String booksField(List<UUID> books) {
        return ",\"books\":[" + books.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",")) + "]";
    }

    /**
     * 100 books; three events in every 250 go to the first six books in turn, so each of those holds 2,000 events (in
     * the full run) spread over the whole history; the 94 others hold the rest.
     */
    private static List<UUID> fill(EmbeddedDatabase database, UUID accountId, int records) throws Exception {
        List<UUID> books = new ArrayList<>();
        for (int i = 0; i < BOOKS; i++) {
            books.add(UUID.randomUUID());
        }
        try (Connection conn = DriverManager.getConnection(database.jdbcUrl(), database.username(),
                database.password()); Statement st = conn.createStatement()) {
            conn.setAutoCommit(false);
            try (PreparedStatement insert = conn.prepareStatement("""
                    INSERT INTO books (account_id, id, name, version, device_id, updated_at, synced_at, position)
                    SELECT ?, b.id, 'book ' || b.n, 1, ?, now(), now(), b.n
                    FROM unnest(?::uuid[]) WITH ORDINALITY AS b(id, n)""")) {
                insert.setObject(1, accountId);
                insert.setObject(2, accountId);
                insert.setArray(3, conn.createArrayOf("uuid", books.toArray()));
                insert.executeUpdate();
            }
            try (PreparedStatement insert = conn.prepareStatement("""
                    INSERT INTO events (account_id, id, book_id, name, record_number, event_type, start_time,
                        end_time, version, device_id, updated_at, synced_at, position)
                    SELECT ?, gen_random_uuid(),
                        (?::uuid[])[CASE WHEN n % 250 < 3 THEN (n / 250 * 3 + n % 250) % 6 + 1 ELSE 7 + n % 94 END],
                        'Check-up ' || n, 'R-' || n, 'visit', timestamptz '2026-11-24 09:00Z' + n * interval '1 minute',
                        timestamptz '2026-11-24 10:00Z' + n * interval '1 minute', 1, ?, now(), now(), n + 100
                    FROM generate_series(1, ?) AS n""")) {
                insert.setObject(1, accountId);
                insert.setArray(2, conn.createArrayOf("uuid", books.toArray()));
                insert.setObject(3, accountId);
                insert.setInt(4, records);
                insert.executeUpdate();
            }
            try (PreparedStatement seq = conn.prepareStatement("UPDATE accounts SET change_seq = ? WHERE id = ?")) {
                seq.setLong(1, records + 100L);
                seq.setObject(2, accountId);
                seq.executeUpdate();
            }
            conn.commit();
            conn.setAutoCommit(true);
            st.execute("VACUUM ANALYZE events");
            st.execute("VACUUM ANALYZE books");
        }
        return books;
    }

    /** Prints the plan of one book's read of a filtered pull, the figures the note cites. */
    private static void explain(EmbeddedDatabase database, UUID accountId, UUID book) throws Exception {
        try (Connection conn = DriverManager.getConnection(database.jdbcUrl(), database.username(),
                database.password()); PreparedStatement explain = conn.prepareStatement("""
                EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM events WHERE account_id = ? AND book_id = ?
                AND position > 0 AND position <= 9223372036854775807 AND (NOT is_deleted OR position > 0)
                ORDER BY position LIMIT 5001""")) {
            explain.setObject(1, accountId);
            explain.setObject(2, book);
            System.out.println("  the plan of one chosen book's read (a page of 5,000):");
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    System.out.println("    " + rs.getString(1));
                }
            }
        }
    }
}

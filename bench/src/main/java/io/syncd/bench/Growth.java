package io.syncd.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** Fills the tables with other accounts' rows (straight into PostgreSQL: only their number matters here). */
final class Growth {
    private Growth() {
    }

    static long rowCount(String jdbcUrl, String user, String password) throws Exception {
        try (Connection conn = DriverManager.getConnection(jdbcUrl, user, password);
             ResultSet rs = conn.createStatement().executeQuery(
                     "SELECT (SELECT count(*) FROM books) + (SELECT count(*) FROM events) + (SELECT count(*) FROM notes)"
                             + " + (SELECT count(*) FROM schedule_drawings)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Removes the rows the baselines and the growth phase wrote straight into the tables (with no audit trail, or the
     * audited baseline's own), so that replay compares exactly what went through the pipeline.
     */
    static void removeDirectRows(String jdbcUrl, String user, String password) throws Exception {
        try (Connection conn = DriverManager.getConnection(jdbcUrl, user, password); Statement st = conn.createStatement()) {
            String direct = "(SELECT id FROM accounts WHERE name IN ('growth', 'raw baseline'))";
            for (String table : new String[] {"sync_log", "notes", "schedule_drawings", "events", "books"}) {
                st.execute("DELETE FROM " + table + " WHERE account_id IN " + direct);
            }
            st.execute("DELETE FROM accounts WHERE id IN " + direct);
        }
    }

    /** Adds {@code rows} events spread over accounts of 10,000 events each, as synced rows with positions. */
    static void addEvents(String jdbcUrl, String user, String password, long rows) throws Exception {
        try (Connection conn = DriverManager.getConnection(jdbcUrl, user, password); Statement st = conn.createStatement()) {
            for (long done = 0; done < rows; done += 10_000) {
                st.execute("""
                        WITH a AS (INSERT INTO accounts (id, name, enrollment_key_hash, change_seq)
                                   SELECT id, 'growth', decode(md5(id::text), 'hex'), 10001
                                   FROM (SELECT gen_random_uuid() AS id) g RETURNING id),
                             b AS (INSERT INTO books (account_id, id, name, version, device_id, updated_at, synced_at, position)
                                   SELECT a.id, gen_random_uuid(), 'growth', 1, a.id, now(), now(), 1 FROM a
                                   RETURNING account_id, id)
                        INSERT INTO events (account_id, id, book_id, name, record_number, event_type, start_time,
                            end_time, version, device_id, updated_at, synced_at, position)
                        SELECT b.account_id, gen_random_uuid(), b.id, 'Check-up ' || n, 'R-' || n, 'visit',
                            timestamptz '2026-11-24 09:00Z' + n * interval '1 minute',
                            timestamptz '2026-11-24 10:00Z' + n * interval '1 minute', 1, b.account_id, now(), now(), n + 1
                        FROM b, generate_series(1, 10000) AS n
                        """);
            }
            // Settle the bulk load before measuring, as a database that grew over months is settled: its insert-driven
            // autovacuum and the checkpoint of its dirty pages would otherwise run during the measurement.
            st.execute("VACUUM ANALYZE");
            st.execute("CHECKPOINT");
        }
    }
}

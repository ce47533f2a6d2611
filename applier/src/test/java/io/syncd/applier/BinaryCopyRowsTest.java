package io.syncd.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.syncd.common.Timestamps;
import io.syncd.store.sql.BinaryCopyRows;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** What the applier writes with a binary COPY is what PostgreSQL would have stored from the same values as text. */
class BinaryCopyRowsTest {
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void everyKindOfValueArrivesAsGiven() throws SQLException {
        List<String> texts = Arrays.asList("plain", "", null, "\\", "tab\there", "line\nbreak", "cr\rlf", "\\N",
                "{\"strokes\":[[1,2,3]]}", "ü é 漢字 😀", "x".repeat(200_000));
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE typed (n int PRIMARY KEY, id uuid, v text, big bigint, small integer)");
            List<UUID> ids = new ArrayList<>();
            long copied;
            try (BinaryCopyRows rows = new BinaryCopyRows(conn, "typed", "n, id, v, big, small")) {
                for (int n = 0; n < texts.size(); n++) {
                    UUID id = n % 3 == 0 ? null : UUID.randomUUID();
                    ids.add(id);
                    rows.row().int4(n).uuid(id).text(texts.get(n)).int8(n % 4 == 0 ? null : Long.MIN_VALUE + n)
                            .int4(n % 5 == 0 ? null : -n);
                }
                copied = rows.finish();
            }

            assertThat(copied).isEqualTo(texts.size());
            try (ResultSet rs = st.executeQuery("SELECT n, id, v, big, small FROM typed ORDER BY n")) {
                for (int n = 0; n < texts.size(); n++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject("id", UUID.class)).as("id of %d", n).isEqualTo(ids.get(n));
                    assertThat(rs.getString("v")).as("text of %d", n).isEqualTo(texts.get(n));
                    assertThat(rs.getObject("big")).isEqualTo(n % 4 == 0 ? null : Long.MIN_VALUE + n);
                    assertThat(rs.getObject("small")).isEqualTo(n % 5 == 0 ? null : -n);
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /**
     * A time equals the same instant written as text (as the applier writes the records' times), also where the
     * nanoseconds round: half a microsecond goes wherever PostgreSQL's double arithmetic takes it.
     */
    @Test
    void timesEqualTheSameInstantsParsedFromTextByPostgresql() throws SQLException {
        List<Instant> instants = new ArrayList<>(List.of(Instant.parse("2000-01-01T00:00:00Z"),
                Instant.parse("1999-12-31T23:59:59.999999500Z"), Instant.parse("1970-01-01T00:00:00.000000500Z"),
                Instant.parse("2026-12-04T12:00:00.123456500Z"), Instant.parse("2026-12-04T12:00:00.999999501Z"),
                Instant.parse("2026-12-04T12:00:00.000001499Z"), Instant.parse("2026-12-04T12:00:00.250Z")));
        Random random = new Random(7);
        for (int i = 0; i < 3000; i++) {
            long second = 1_700_000_000L + random.nextInt(200_000_000);
            int micros = random.nextInt(1_000_000);
            int rest = i % 3 == 0 ? 500 : random.nextInt(1000);
            instants.add(Instant.ofEpochSecond(second, micros * 1000L + rest));
        }
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE times (n int PRIMARY KEY, at timestamptz, as_text text)");
            try (BinaryCopyRows rows = new BinaryCopyRows(conn, "times", "n, at, as_text")) {
                for (int n = 0; n < instants.size(); n++) {
                    rows.row().int4(n).timestamptz(instants.get(n)).text(Timestamps.format(instants.get(n)));
                }
                rows.finish();
            }

            try (ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE at = as_text::timestamptz),"
                    + " string_agg(CASE WHEN at <> as_text::timestamptz THEN as_text END, ' ') FROM times")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(instants.size());
                assertThat(rs.getLong(2)).as("differing: %s", rs.getString(3)).isEqualTo(instants.size());
            }
        }
    }

    /** A row of the wrong width is refused before it is sent, and the connection goes on. */
    @Test
    void aRowOfTheWrongWidthIsRefusedAndTheConnectionGoesOn() throws SQLException {
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE pairs (a integer, b integer)");
            assertThatThrownBy(() -> {
                try (BinaryCopyRows rows = new BinaryCopyRows(conn, "pairs", "a, b")) {
                    rows.row().int4(1).int4(2).row().int4(3);
                    rows.finish();
                }
            }).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 values, 2 expected");

            try (BinaryCopyRows rows = new BinaryCopyRows(conn, "pairs", "a, b")) {
                rows.row().int4(5).int4(6);
                assertThat(rows.finish()).isEqualTo(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT a, b FROM pairs")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(5);
                assertThat(rs.getInt(2)).isEqualTo(6);
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /**
     * COPYs of one thread reuse a buffer: two open at once (each on its own connection) keep their own rows, and a
     * COPY after a larger one sends none of the bytes the buffer still holds.
     */
    @Test
    void twoCopiesOpenAtOnceOnOneThreadEachSendOnlyTheirRows() throws SQLException {
        try (Connection first = postgres.getPostgresDatabase().getConnection();
             Connection second = postgres.getPostgresDatabase().getConnection();
             Statement st = first.createStatement()) {
            st.execute("CREATE TABLE copied_first (n int PRIMARY KEY, v text)");
            st.execute("CREATE TABLE copied_second (n int PRIMARY KEY, v text)");
            try (BinaryCopyRows outer = new BinaryCopyRows(first, "copied_first", "n, v")) {
                outer.row().int4(1).text("first-" + "a".repeat(40_000));
                try (BinaryCopyRows inner = new BinaryCopyRows(second, "copied_second", "n, v")) {
                    inner.row().int4(1).text("second-" + "b".repeat(50_000));
                    inner.finish();
                }
                outer.row().int4(2).text("first-again");
                outer.finish();
            }
            try (BinaryCopyRows after = new BinaryCopyRows(second, "copied_second", "n, v")) {
                after.row().int4(2).text("short");
                after.finish();
            }

            assertThat(texts(st, "copied_first")).containsExactly("first-" + "a".repeat(40_000), "first-again");
            assertThat(texts(st, "copied_second")).containsExactly("second-" + "b".repeat(50_000), "short");
        }
    }

    /** A COPY the server refuses (a duplicate key) leaves a connection that rolls back and is used again. */
    @Test
    void aRefusedCopyLeavesTheConnectionUsable() throws SQLException {
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE refused (n int PRIMARY KEY, v text)");
            conn.setAutoCommit(false);
            assertThatThrownBy(() -> {
                try (BinaryCopyRows rows = new BinaryCopyRows(conn, "refused", "n, v")) {
                    rows.row().int4(1).text("one").row().int4(1).text("one again");
                    rows.finish();
                }
            }).isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
            conn.rollback();

            try (BinaryCopyRows rows = new BinaryCopyRows(conn, "refused", "n, v")) {
                rows.row().int4(2).text("two");
                rows.finish();
            }
            conn.commit();
            assertThat(texts(st, "refused")).containsExactly("two");
        }
    }

    /** Rows abandoned before any byte was sent (a value that could not be written) leave nothing open. */
    @Test
    void rowsAbandonedBeforeAnyWasSentLeaveTheConnectionUsable() throws SQLException {
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE abandoned (n int, v text)");
            try (BinaryCopyRows rows = new BinaryCopyRows(conn, "abandoned", "n, v")) {
                rows.row().int4(1);
            }
            assertThat(texts(st, "abandoned")).isEmpty();
        }
    }

    private static List<String> texts(Statement st, String table) throws SQLException {
        List<String> stored = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT v FROM " + table + " ORDER BY n")) {
            while (rs.next()) {
                stored.add(rs.getString(1));
            }
        }
        return stored;
    }
}

package io.syncd.applier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** What the applier writes with COPY is what PostgreSQL stores, character for character, whatever a value holds. */
class CopyRowsTest {
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
    void everyValueArrivesExactlyAsGivenWithTheCharactersCopyEscapes() throws SQLException {
        List<String> values = Arrays.asList(
                "plain", "", null, "\\", "a\\b\\\\c", "tab\there", "line\nbreak", "cr\rlf\r\n", "\\N", "\t\n\r\\",
                "{\"name\":\"Dr. \\\"Lee\\\"\\n2nd floor\",\"strokes\":[[1,2,3],[4,5,6]]}", "ü é 漢字 😀", "end\\");
        assertCopiedExactly("copied", values);
    }

    /** Copies the values as rows (n, v) of a new table, then reads them back in order. */
    private static void assertCopiedExactly(String table, List<String> values) throws SQLException {
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE " + table + " (n int PRIMARY KEY, v text)");
            long copied;
            try (CopyRows rows = new CopyRows(conn, table, "n, v")) {
                for (int n = 0; n < values.size(); n++) {
                    rows.value(n).value(values.get(n)).endRow();
                }
                copied = rows.finish();
            }

            List<String> stored = readValues(st, table);
            assertThat(copied).isEqualTo(values.size());
            assertThat(stored).containsExactlyElementsOf(values);
        }
    }

    /** Rows of many buffers, values larger than one (a drawing's strokes) and split across two, arrive whole. */
    @Test
    void rowsLargerThanTheBufferAndValuesAcrossItsEdgeArriveWhole() throws SQLException {
        List<String> values = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            values.add(("[" + n + ",\u00e9,ü,漢\t").repeat(1 + (n * 37) % 900));
        }
        values.add("x".repeat(200_000));

        assertCopiedExactly("copied_big", values);
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
            try (CopyRows outer = new CopyRows(first, "copied_first", "n, v")) {
                outer.value(1).value("first-" + "a".repeat(40_000)).endRow();
                try (CopyRows inner = new CopyRows(second, "copied_second", "n, v")) {
                    inner.value(1).value("second-" + "b".repeat(50_000)).endRow();
                    inner.finish();
                }
                outer.value(2).value("first-again").endRow();
                outer.finish();
            }
            try (CopyRows after = new CopyRows(second, "copied_second", "n, v")) {
                after.value(2).value("short").endRow();
                after.finish();
            }

            assertThat(readValues(st, "copied_first")).containsExactly("first-" + "a".repeat(40_000), "first-again");
            assertThat(readValues(st, "copied_second")).containsExactly("second-" + "b".repeat(50_000), "short");
        }
    }

    private static List<String> readValues(Statement st, String table) throws SQLException {
        List<String> stored = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT v FROM " + table + " ORDER BY n")) {
            while (rs.next()) {
                stored.add(rs.getString(1));
            }
        }
        return stored;
    }

    /** A value that fails mid-COPY (here: not a number) leaves a connection that rolls back and is used again. */
    @Test
    void aFailedCopyLeavesTheConnectionUsable() throws SQLException {
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE copied_numbers (n int PRIMARY KEY)");
            conn.setAutoCommit(false);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                try (CopyRows rows = new CopyRows(conn, "copied_numbers", "n")) {
                    rows.value(1).endRow().value("one").endRow();
                    rows.finish();
                }
            }).isInstanceOf(SQLException.class).hasMessageContaining("one");
            conn.rollback();

            try (CopyRows rows = new CopyRows(conn, "copied_numbers", "n")) {
                rows.value(2).endRow();
                rows.finish();
            }
            conn.commit();
            try (ResultSet rs = st.executeQuery("SELECT n FROM copied_numbers")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(2);
                assertThat(rs.next()).isFalse();
            }
        }
    }

    /** Also when the rows fail before the COPY began (a value that cannot be written): nothing is left open. */
    @Test
    void rowsAbandonedBeforeAnyWasSentLeaveTheConnectionUsable() throws SQLException {
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE copied_abandoned (n int)");
            try (CopyRows rows = new CopyRows(conn, "copied_abandoned", "n")) {
                rows.value(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM copied_abandoned")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }
}

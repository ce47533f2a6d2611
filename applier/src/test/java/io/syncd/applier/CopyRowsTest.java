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
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE copied (n int PRIMARY KEY, v text)");
            CopyRows rows = new CopyRows();
            for (int n = 0; n < values.size(); n++) {
                rows.value(n).value(values.get(n)).endRow();
            }

            long copied = rows.copyInto(conn, "copied", "n, v");

            List<String> stored = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT v FROM copied ORDER BY n")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            assertThat(copied).isEqualTo(values.size());
            assertThat(stored).containsExactlyElementsOf(values);
        }
    }
}

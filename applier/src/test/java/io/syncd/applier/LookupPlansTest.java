package io.syncd.applier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.syncd.common.SyncTable;
import io.syncd.store.accounts.AccountSequences;
import io.syncd.store.records.RecordsTable;
import io.syncd.store.synclog.SyncLogTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The applier's lookups stay key lookups however the planner sees a table: a plan cached while a table was new (and
 * planned as if it held a few rows) is kept for every later batch, so it must not scan the table. Each statement is
 * planned generically against empty copies of the tables, the worst case, and must use the primary key only.
 */
class LookupPlansTest {
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = MigratedDatabase.start();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    /** The plan PostgreSQL caches for {@code sql} (two array parameters, or one, given as text[]) on empty tables. */
    private static String genericPlanOnEmptyTables(String sql, int parameters) throws SQLException {
        try (Connection conn = postgres.getPostgresDatabase().getConnection(); Statement st = conn.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS empty_copies");
            for (String table : List.of("accounts", "books", "events", "notes", "schedule_drawings", "sync_log")) {
                st.execute("CREATE TABLE IF NOT EXISTS empty_copies." + table + " (LIKE public." + table + " INCLUDING ALL)");
            }
            st.execute("SET search_path = empty_copies");
            st.execute("SET plan_cache_mode = force_generic_plan");
            int n = 0;
            String numbered = sql;
            while (numbered.contains("?")) {
                numbered = numbered.replaceFirst("\\?", "\\$" + (++n));
            }
            st.execute("PREPARE lookup(" + String.join(", ", java.util.Collections.nCopies(parameters, "text[]")) + ") AS "
                    + numbered);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE lookup("
                    + String.join(", ", java.util.Collections.nCopies(parameters, "'{}'")) + ")")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    @Test
    void currentRowsAreLockedByPrimaryKeyLookupsInEveryTable() throws SQLException {
        for (SyncTable table : SyncTable.values()) {
            String plan = genericPlanOnEmptyTables(RecordsTable.lockCurrentSql(table), 2);

            assertThat(plan).as(table.wireName()).contains("Index Scan using " + table.wireName() + "_pkey")
                    .doesNotContain("Seq Scan on " + table.wireName());
        }
    }

    @Test
    void decidedChangesAreLookedUpByPrimaryKey() throws SQLException {
        String plan = genericPlanOnEmptyTables(SyncLogTable.ALREADY_DECIDED, 2);

        assertThat(plan).contains("sync_log_pkey").doesNotContain("Seq Scan on sync_log");
    }

    @Test
    void accountsAreLockedByPrimaryKeyInIdOrder() throws SQLException {
        String plan = genericPlanOnEmptyTables(AccountSequences.LOCK_SEQUENCES, 1);

        assertThat(plan).contains("Index Scan using accounts_pkey").contains("Sort Key")
                .doesNotContain("Seq Scan on accounts");
    }
}

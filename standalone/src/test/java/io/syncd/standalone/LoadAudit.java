package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.syncd.common.SyncTable;
import io.syncd.standalone.embedded.EmbeddedDatabase;

/**
 * What PostgreSQL holds for a {@link PushLoad}'s accounts, against what the gateway acknowledged: each acknowledged
 * change decided exactly once (none lost, none twice, nothing decided that was never acknowledged), and every record's
 * version equal to its number of applied changes, with applied versions 1…version each once.
 *
 * @param versionMismatches records whose version, applied changes and applied result versions disagree, or that
 *                          sync_log applies but the table lacks (or the reverse)
 */
record LoadAudit(int acknowledged, int decided, int applied, int conflicts, int rejected, int duplicates, int lost,
                 int unacknowledged, int versionMismatches) {

    /** The PostgreSQL a server decides into, as its superuser. */
    record Postgres(String jdbcUrl, String password) {
        static Postgres of(EmbeddedDatabase database) {
            return new Postgres(database.jdbcUrl(), database.password());
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl, "postgres", password);
        }
    }

    /** Waits (bounded) until every change the load had acknowledged is in sync_log. */
    static void awaitDecided(Postgres postgres, PushLoad load, Duration within) {
        Set<UUID> acknowledged = load.acknowledged();
        await("every acknowledged change decided").atMost(within).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(countDecided(postgres, load.accountIds(), acknowledged))
                        .as("acknowledged changes in sync_log").isEqualTo(acknowledged.size()));
    }

    static LoadAudit of(Postgres postgres, PushLoad load) throws SQLException {
        Set<UUID> acknowledged = load.acknowledged();
        try (Connection db = postgres.connect()) {
            Array accounts = db.createArrayOf("uuid", load.accountIds().stream().map(UUID::fromString).toArray());
            Map<UUID, Integer> copies = new HashMap<>();
            Map<String, Integer> statuses = new HashMap<>();
            try (PreparedStatement st = db.prepareStatement(
                    "SELECT change_id, status, count(*) FROM sync_log WHERE account_id = ANY(?) GROUP BY change_id, status")) {
                st.setArray(1, accounts);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        copies.merge(rs.getObject(1, UUID.class), rs.getInt(3), Integer::sum);
                        statuses.merge(rs.getString(2), rs.getInt(3), Integer::sum);
                    }
                }
            }
            int duplicates = copies.values().stream().mapToInt(n -> n - 1).sum();
            int lost = (int) acknowledged.stream().filter(id -> !copies.containsKey(id)).count();
            int unacknowledged = (int) copies.keySet().stream().filter(id -> !acknowledged.contains(id)).count();
            return new LoadAudit(acknowledged.size(), copies.size(), statuses.getOrDefault("applied", 0),
                    statuses.getOrDefault("conflict", 0), statuses.getOrDefault("rejected", 0), duplicates, lost,
                    unacknowledged, versionMismatches(db, accounts));
        }
    }

    /** Nothing lost, nothing decided twice, nothing decided that was not acknowledged, every version right. */
    LoadAudit assertExactlyOnce() {
        assertThat(acknowledged).as("acknowledged changes").isPositive();
        assertThat(lost).as("acknowledged changes missing from sync_log").isZero();
        assertThat(duplicates).as("changes decided more than once").isZero();
        assertThat(unacknowledged).as("changes decided that the gateway never acknowledged").isZero();
        assertThat(decided).as("decided changes").isEqualTo(acknowledged);
        assertThat(versionMismatches).as("records whose version is not their number of applied changes").isZero();
        return this;
    }

    /** The one line a fault test prints, e.g. {@code FAULT applier-kill: acknowledged=…, duplicates=0, lost=0}. */
    String line(String scenario) {
        return "FAULT " + scenario + ": acknowledged=" + acknowledged + ", decided=" + decided + ", applied=" + applied
                + ", conflicts=" + conflicts + ", rejected=" + rejected + ", duplicates=" + duplicates + ", lost=" + lost
                + ", unacknowledged=" + unacknowledged + ", version mismatches=" + versionMismatches;
    }

    private static int countDecided(Postgres postgres, List<String> accountIds, Set<UUID> changeIds)
            throws SQLException {
        try (Connection db = postgres.connect();
             PreparedStatement st = db.prepareStatement(
                     "SELECT count(*) FROM sync_log WHERE account_id = ANY(?) AND change_id = ANY(?)")) {
            st.setArray(1, db.createArrayOf("uuid", accountIds.stream().map(UUID::fromString).toArray()));
            st.setArray(2, db.createArrayOf("uuid", changeIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int versionMismatches(Connection db, Array accounts) throws SQLException {
        String live = Arrays.stream(SyncTable.values())
                .map(t -> "SELECT '" + t.wireName() + "' AS table_name, account_id, id AS record_id, version FROM "
                        + t.wireName() + " WHERE account_id = ANY(?)")
                .collect(Collectors.joining(" UNION ALL "));
        String sql = "WITH live AS (" + live + "), applied AS ("
                + " SELECT table_name, account_id, record_id, count(*) AS changes,"
                + " count(DISTINCT result_version) AS versions, max(result_version) AS top"
                + " FROM sync_log WHERE account_id = ANY(?) AND status = 'applied'"
                + " GROUP BY table_name, account_id, record_id)"
                + " SELECT count(*) FROM live FULL JOIN applied USING (table_name, account_id, record_id)"
                + " WHERE live.version IS DISTINCT FROM applied.changes OR applied.versions IS DISTINCT FROM applied.changes"
                + " OR applied.top IS DISTINCT FROM live.version";
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 1; i <= SyncTable.values().length + 1; i++) {
                st.setArray(i, accounts);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}

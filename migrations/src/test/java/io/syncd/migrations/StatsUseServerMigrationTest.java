package io.syncd.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * V8 gives {@code use_server} resolutions a statistics figure of their own: the counts folded before it, which took
 * them for applied changes, are corrected when it runs.
 */
class StatsUseServerMigrationTest {
    private final UUID account = UUID.randomUUID();
    private final UUID phone = UUID.randomUUID();
    private final UUID tablet = UUID.randomUUID();

    @Test
    void useServerDecisionsFoldedAsAppliedBeforeV8MoveToTheirOwnFigure() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            Flyway.configure().dataSource(postgres.getPostgresDatabase()).target("6").load().migrate();
            try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
                sql.execute("INSERT INTO accounts (id, name, enrollment_key_hash) VALUES ('" + account + "', 'a', '\\x01')");
                log(db, phone, "upsert", "applied");
                log(db, phone, "upsert", "applied");
                log(db, tablet, "upsert", "conflict");
                long folded = log(db, tablet, "use_server", "applied");
                log(db, tablet, "use_server", "applied"); // decided after the last fold: V8's fold counts it
                // What the fold before V8 stored for the first four.
                sql.execute("INSERT INTO stats_decisions (account_id, device_id, table_name, applied, conflicts) VALUES"
                        + " ('" + account + "', '" + phone + "', 'books', 2, 0),"
                        + " ('" + account + "', '" + tablet + "', 'books', 1, 1)");
                sql.execute("UPDATE stats_cursors SET position = " + folded + " WHERE source = 'sync_log'");

                Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();

                assertThat(figures(db, phone)).isEqualTo("applied=2 conflicts=0 use_server=0");
                assertThat(figures(db, tablet)).isEqualTo("applied=0 conflicts=1 use_server=1");
            }
        }
    }

    /** Appends a decision of a book to sync_log; returns its seq. */
    private long log(Connection db, UUID device, String op, String status) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO sync_log (account_id, change_id, device_id,"
                + " table_name, record_id, op, base_version, status, received_at, decided_at)"
                + " VALUES (?, ?, ?, 'books', ?, ?, 1, ?, now(), now()) RETURNING seq")) {
            ps.setObject(1, account);
            ps.setObject(2, UUID.randomUUID());
            ps.setObject(3, device);
            ps.setObject(4, UUID.randomUUID());
            ps.setString(5, op);
            ps.setString(6, status);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private String figures(Connection db, UUID device) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT applied, conflicts, use_server FROM stats_decisions WHERE device_id = ?")) {
            ps.setObject(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return "applied=" + rs.getLong(1) + " conflicts=" + rs.getLong(2) + " use_server=" + rs.getLong(3);
            }
        }
    }
}

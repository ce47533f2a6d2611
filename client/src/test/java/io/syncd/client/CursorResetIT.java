package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's database is given a new identity, as an operator does after restoring it from a backup: every device's
 * cursor is then answered {@code 409 cursor_reset}, and the SDK pulls everything again by itself, losing none of its
 * unsynced edits and skipping none of the server's records.
 */
class CursorResetIT {
    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());

    @AfterEach
    void close() {
        devices.close();
    }

    private void giveTheDatabaseANewIdentity() throws SQLException {
        Properties join = server.joinSettings();
        try (Connection conn = DriverManager.getConnection(join.getProperty("spring.datasource.url"),
                join.getProperty("spring.datasource.username"), join.getProperty("spring.datasource.password"));
             Statement statement = conn.createStatement()) {
            statement.executeUpdate("UPDATE server_identity SET database_id = gen_random_uuid()");
        }
    }

    @Test
    void afterACursorResetTheDeviceCatchesUpAndKeepsItsUnsyncedEdits() throws SQLException {
        SyncClient phone = devices.device("phone");
        SyncClient tablet = devices.device("tablet");
        String shared = newId();
        phone.put("books", shared, book("before the reset"));
        phone.syncAll();
        tablet.syncAll();

        giveTheDatabaseANewIdentity();
        String offline = newId();
        phone.put("books", offline, book("made on the phone, not yet sent"));
        String fromTablet = newId();
        tablet.put("books", fromTablet, book("made on the tablet"));
        tablet.syncAll();

        SyncReport report = phone.syncAll();

        assertThat(report.rejected()).isZero();
        assertThat(phone.status()).extracting(SyncStatus::outbox, SyncStatus::dirty, SyncStatus::conflicts)
                .containsExactly(0, 0, 0);
        assertThat(phone.list("books")).extracting(LocalRecord::recordId)
                .containsExactlyInAnyOrder(shared, offline, fromTablet);
        tablet.syncAll();
        assertThat(tablet.list("books")).extracting(LocalRecord::recordId)
                .as("the phone's unsynced edit reached the server")
                .containsExactlyInAnyOrder(shared, offline, fromTablet);
    }
}

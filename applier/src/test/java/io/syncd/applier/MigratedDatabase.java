package io.syncd.applier;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A test class's embedded PostgreSQL, durable as the product runs it, with the schema migrated; and its accounts. */
final class MigratedDatabase {
    private MigratedDatabase() {
    }

    /** Starts a server (zonky turns fsync and synchronous_commit off; they are on here) and migrates it. */
    static EmbeddedPostgres start() throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").start();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
        return postgres;
    }

    /** A new account with no devices or records: each test owns its data. */
    static UUID newAccount(DataSource dataSource) throws SQLException {
        UUID account = UUID.randomUUID();
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO accounts (id, name, enrollment_key_hash) VALUES (?, 'test', ?)")) {
            ps.setObject(1, account);
            ps.setBytes(2, account.toString().getBytes());
            ps.executeUpdate();
        }
        return account;
    }
}

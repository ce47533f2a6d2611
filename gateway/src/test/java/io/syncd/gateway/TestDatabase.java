package io.syncd.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The gateway tests' one embedded PostgreSQL, durable as the product runs it and migrated: started on first use and
 * stopped when the test JVM exits. The test classes run one after another and each owns its data (fresh ids).
 */
public final class TestDatabase {
    private static DataSource dataSource;

    private TestDatabase() {
    }

    public static synchronized DataSource dataSource() {
        if (dataSource == null) {
            EmbeddedPostgres postgres;
            try {
                // zonky turns fsync and synchronous_commit off; they are on here.
                postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on").start();
            } catch (IOException e) {
                throw new UncheckedIOException("the embedded PostgreSQL did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "test-database-stop"));
            dataSource = postgres.getPostgresDatabase();
            Flyway.configure().dataSource(dataSource).load().migrate();
        }
        return dataSource;
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.syncd.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * V9 gives every note its event's book (pulls by book read notes by it): the notes stored before it, live ones and
 * tombstones alike, get it when it runs, and a note without one can no longer be stored.
 */
class NotesBookMigrationTest {
    private final UUID account = UUID.randomUUID();
    private final UUID device = UUID.randomUUID();
    private long position;

    @Test
    void notesStoredBeforeV9TakeTheirEventsBook() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            Flyway.configure().dataSource(postgres.getPostgresDatabase()).target("8").load().migrate();
            try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
                sql.execute("INSERT INTO accounts (id, name, enrollment_key_hash) VALUES ('" + account + "', 'a', '\\x02')");
                UUID bookA = book(db);
                UUID bookB = book(db);
                UUID eventA = event(db, bookA, false);
                UUID deletedEventB = event(db, bookB, true);
                Map<UUID, UUID> expected = new HashMap<>();
                expected.put(note(db, eventA, false), bookA);
                expected.put(note(db, eventA, false), bookA);
                expected.put(note(db, deletedEventB, true), bookB); // a tombstone keeps its book too

                Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();

                assertThat(notesBooks(db)).isEqualTo(expected);
                assertThatThrownBy(() -> sql.execute("INSERT INTO notes (account_id, id, event_id, strokes_ink, version,"
                        + " device_id, updated_at, synced_at, position) VALUES ('" + account + "', '" + UUID.randomUUID()
                        + "', '" + eventA + "', '\\x0108', 1, '" + device + "', now(), now(), 99)"))
                        .as("a note without its book").isInstanceOf(SQLException.class)
                        .hasMessageContaining("book_id");
            }
        }
    }

    private UUID book(Connection db) throws SQLException {
        UUID id = UUID.randomUUID();
        insert(db, "INSERT INTO books (account_id, id, name, version, device_id, updated_at, synced_at, position)"
                + " VALUES (?, ?, 'b', 1, ?, now(), now(), ?)", id, null, false);
        return id;
    }

    private UUID event(Connection db, UUID book, boolean deleted) throws SQLException {
        UUID id = UUID.randomUUID();
        insert(db, "INSERT INTO events (account_id, id, name, start_time, version, device_id, updated_at, synced_at,"
                + " position, book_id, is_deleted) VALUES (?, ?, 'e', now(), 1, ?, now(), now(), ?, ?, ?)", id, book, deleted);
        return id;
    }

    private UUID note(Connection db, UUID event, boolean deleted) throws SQLException {
        UUID id = UUID.randomUUID();
        insert(db, "INSERT INTO notes (account_id, id, strokes, version, device_id, updated_at, synced_at, position,"
                + " event_id, is_deleted) VALUES (?, ?, '[[1,2]]', 1, ?, now(), now(), ?, ?, ?)", id, event, deleted);
        return id;
    }

    /** Inserts a row: account, id, device, the next position, then (when given) its parent and whether it is deleted. */
    private void insert(Connection db, String sql, UUID id, UUID parent, boolean deleted) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setObject(1, account);
            ps.setObject(2, id);
            ps.setObject(3, device);
            ps.setLong(4, ++position);
            if (parent != null) {
                ps.setObject(5, parent);
                ps.setBoolean(6, deleted);
            }
            ps.executeUpdate();
        }
    }

    private Map<UUID, UUID> notesBooks(Connection db) throws SQLException {
        Map<UUID, UUID> books = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT id, book_id FROM notes WHERE account_id = ?")) {
            ps.setObject(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    books.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
                }
            }
        }
        return books;
    }
}

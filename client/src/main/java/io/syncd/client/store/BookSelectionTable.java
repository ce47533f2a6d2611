package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which books this device syncs: every book (the default, {@code sync_metadata.books_chosen} 0), or only those in
 * {@code book_selection} (possibly none). The caller holds the {@link Database} lock.
 */
public final class BookSelectionTable {
    private final Database db;

    public BookSelectionTable(Database db) {
        this.db = db;
    }

    /** The chosen books; empty when the device syncs every book (which is not the same as choosing none). */
    public Optional<Set<String>> chosen() throws SQLException {
        try (ResultSet rs = db.statement("SELECT books_chosen FROM sync_metadata WHERE id = 1").executeQuery()) {
            if (!rs.next() || rs.getInt(1) == 0) {
                return Optional.empty();
            }
        }
        Set<String> books = new LinkedHashSet<>();
        try (ResultSet rs = db.statement("SELECT book_id FROM book_selection ORDER BY book_id").executeQuery()) {
            while (rs.next()) {
                books.add(rs.getString(1));
            }
        }
        return Optional.of(books);
    }

    /** Syncs exactly these books from now on. */
    public void choose(Set<String> books) throws SQLException {
        db.statement("DELETE FROM book_selection").executeUpdate();
        PreparedStatement insert = db.statement("INSERT INTO book_selection (book_id) VALUES (?)");
        for (String book : books) {
            insert.setString(1, book);
            insert.executeUpdate();
        }
        db.statement("UPDATE sync_metadata SET books_chosen = 1 WHERE id = 1").executeUpdate();
    }

    /** Syncs every book from now on, books created later included. */
    public void chooseEvery() throws SQLException {
        db.statement("DELETE FROM book_selection").executeUpdate();
        db.statement("UPDATE sync_metadata SET books_chosen = 0 WHERE id = 1").executeUpdate();
    }
}

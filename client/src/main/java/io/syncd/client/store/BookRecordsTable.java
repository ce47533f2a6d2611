package io.syncd.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The local records of one book, across tables: its events and drawings (by {@code book_id}) and its events' notes,
 * tombstones included (they keep their parent). What selective sync needs to keep a book or drop it. The caller holds
 * the {@link Database} lock.
 */
public final class BookRecordsTable {
    // The book's records as (table_name, record_id, is_dirty); ?1 is the book id.
    private static final String RECORDS = """
            WITH book_records (table_name, record_id, is_dirty) AS (
              SELECT 'events', record_id, is_dirty FROM events WHERE book_id = ?1
              UNION ALL
              SELECT 'schedule_drawings', record_id, is_dirty FROM schedule_drawings WHERE book_id = ?1
              UNION ALL
              SELECT 'notes', n.record_id, n.is_dirty FROM notes n JOIN events e ON e.record_id = n.event_id
              WHERE e.book_id = ?1)
            """;
    private static final String UNSETTLED = RECORDS + """
            SELECT (SELECT count(*) FROM book_records WHERE is_dirty = 1),
                   (SELECT count(*) FROM conflicts c JOIN book_records r
                      ON r.table_name = c.table_name AND r.record_id = c.record_id WHERE c.status = 'conflict'),
                   (SELECT count(*) FROM conflicts c JOIN book_records r
                      ON r.table_name = c.table_name AND r.record_id = c.record_id WHERE c.status = 'rejected')
            """;

    private final Database db;

    public BookRecordsTable(Database db) {
        this.db = db;
    }

    /** What keeps a book's records here: its dirty records, and of those, the open conflicts and rejections. */
    public record Unsettled(int dirty, int conflicts, int rejections) {
    }

    /** The books some local event or drawing (live or deleted) belongs to. */
    public Set<String> booksWithRecords() throws SQLException {
        Set<String> books = new LinkedHashSet<>();
        try (ResultSet rs = db.statement("SELECT book_id FROM events WHERE book_id IS NOT NULL UNION"
                + " SELECT book_id FROM schedule_drawings WHERE book_id IS NOT NULL").executeQuery()) {
            while (rs.next()) {
                books.add(rs.getString(1));
            }
        }
        return books;
    }

    public Unsettled unsettled(String bookId) throws SQLException {
        PreparedStatement statement = db.statement(UNSETTLED);
        statement.setString(1, bookId);
        try (ResultSet rs = statement.executeQuery()) {
            return new Unsettled(rs.getInt(1), rs.getInt(2), rs.getInt(3));
        }
    }

    /**
     * Removes every local record of the book (its notes first, then its events and drawings) with what is kept beside
     * them. A local removal only: nothing is queued for the server. Returns how many records went.
     */
    public int drop(String bookId) throws SQLException {
        int dropped = 0;
        for (String beside : new String[] {"held_records", "resync_unconfirmed"}) {
            PreparedStatement statement = db.statement(RECORDS + "DELETE FROM " + beside
                    + " WHERE EXISTS (SELECT 1 FROM book_records r WHERE r.table_name = " + beside + ".table_name"
                    + " AND r.record_id = " + beside + ".record_id)");
            statement.setString(1, bookId);
            statement.executeUpdate();
        }
        PreparedStatement notes = db.statement("DELETE FROM notes WHERE event_id IN"
                + " (SELECT record_id FROM events WHERE book_id = ?)");
        notes.setString(1, bookId);
        dropped += notes.executeUpdate();
        for (String table : new String[] {"events", "schedule_drawings"}) {
            PreparedStatement statement = db.statement("DELETE FROM " + table + " WHERE book_id = ?");
            statement.setString(1, bookId);
            dropped += statement.executeUpdate();
        }
        return dropped;
    }

    /**
     * Removes the notes whose event this store does not have, unless something here still holds them (an unsynced
     * edit, an open conflict or rejection, a held or unconfirmed copy). Only at the end of a selective chain: every
     * live event of a synced book is here by then, so such a note came before its event in a backfill and its book was
     * left before the event came. Returns how many went.
     */
    public int dropNotesWithoutEvent() throws SQLException {
        return db.statement("""
                DELETE FROM notes
                WHERE is_dirty = 0
                  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.record_id = notes.event_id)
                  AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.table_name = 'notes' AND c.record_id = notes.record_id)
                  AND NOT EXISTS (SELECT 1 FROM held_records h WHERE h.table_name = 'notes'
                                  AND h.record_id = notes.record_id)
                  AND NOT EXISTS (SELECT 1 FROM resync_unconfirmed u WHERE u.table_name = 'notes'
                                  AND u.record_id = notes.record_id)
                """).executeUpdate();
    }

    /** The book of a local event, live or deleted; null when this store has no such event (or a legacy tombstone). */
    public String bookOfEvent(String eventId) throws SQLException {
        PreparedStatement statement = db.statement("SELECT book_id FROM events WHERE record_id = ?");
        statement.setString(1, eventId);
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}

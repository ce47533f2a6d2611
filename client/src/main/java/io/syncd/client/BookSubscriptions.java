package io.syncd.client;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import io.syncd.client.store.BookRecordsTable;
import io.syncd.client.store.LocalStore;
import io.syncd.common.SyncTable;

/**
 * Selective sync on the device (PROTOCOL.md, "Selective sync"): which books are synced, the set each pull sends, and
 * dropping the records of books no longer subscribed. Every method runs inside the caller's transaction.
 * <p>
 * A book that leaves the set keeps its records, and stays in the set pulls send, until every unsynced edit of theirs
 * is decided and every conflict or rejection resolved. The next pull chain then leaves it out and drops its records
 * (a local removal, never pushed) in the transaction of its first page, which stores the first cursor issued without
 * the book. So whenever the stored cursor covers a book, its records are here: had the drop come at the end of a chain
 * that still sent the book, subscribing to it again would add nothing the server's cursor lacks, and nothing would
 * be backfilled. A chain runs with the set it started with, so a dropped book's records never arrive after its drop.
 */
final class BookSubscriptions {
    /** At most this many books in a pull's {@code books} (PROTOCOL.md). */
    static final int MAX_BOOKS = 1000;
    private static final System.Logger LOG = System.getLogger(BookSubscriptions.class.getName());

    private final LocalStore store;
    /**
     * Whether a note may be here without its event: one came before its event since the last check, or nothing was
     * checked since this store was opened. Keeps the check (a scan of the notes) off the end of every other chain.
     */
    private volatile boolean notesMayLackEvents = true;

    BookSubscriptions(LocalStore store) {
        this.store = store;
    }

    /** The subscribed books; empty when every book is synced. */
    Optional<Set<String>> subscribed() throws SQLException {
        return store.bookSelection().chosen();
    }

    /** Adds books; while every book is synced, the device then syncs exactly these. Returns the books now chosen. */
    Set<String> subscribe(Set<String> books) throws SQLException {
        Set<String> next = new TreeSet<>(store.bookSelection().chosen().orElse(Set.of()));
        next.addAll(books);
        return choose(next);
    }

    /** Removes books; while every book is synced, the device then syncs the books it knows but these. */
    Set<String> unsubscribe(Set<String> books) throws SQLException {
        Set<String> next = new TreeSet<>();
        Optional<Set<String>> chosen = store.bookSelection().chosen();
        if (chosen.isPresent()) {
            next.addAll(chosen.get());
        } else {
            store.records().listLive(SyncTable.BOOKS).forEach(book -> next.add(book.recordId()));
        }
        next.removeAll(books);
        return choose(next);
    }

    /** Every book again; returns null (no set). */
    Set<String> subscribeEvery() throws SQLException {
        store.bookSelection().chooseEvery();
        return null;
    }

    /**
     * The {@code books} a pull chain sends: null for every book; else the subscribed books and the unsubscribed ones
     * whose records are kept for an undecided edit (so they keep being updated until then).
     */
    Set<String> pullSet() throws SQLException {
        Optional<Set<String>> chosen = store.bookSelection().chosen();
        if (chosen.isEmpty()) {
            return null;
        }
        Set<String> books = new TreeSet<>(chosen.get());
        for (String book : unsubscribedWithRecords()) {
            if (store.bookRecords().unsettled(book).dirty() > 0) {
                books.add(book);
            }
        }
        return books;
    }

    /** Books no longer subscribed whose records are kept for an undecided edit, a conflict or a rejection. */
    List<PendingBookRemoval> pendingRemovals() throws SQLException {
        List<PendingBookRemoval> pending = new ArrayList<>();
        for (String book : unsubscribedWithRecords()) {
            BookRecordsTable.Unsettled unsettled = store.bookRecords().unsettled(book);
            if (unsettled.dirty() > 0) {
                pending.add(new PendingBookRemoval(book, unsettled.dirty(), unsettled.conflicts(),
                        unsettled.rejections()));
            }
        }
        return pending;
    }

    /**
     * Drops the records of every book outside the chain's set, in the transaction that stores the chain's first
     * cursor. A book edited since the chain started keeps its records: the next chain sends it again and, as the
     * cursor left it out, the server backfills it.
     */
    void dropOutside(Set<String> pullSet) throws SQLException {
        if (pullSet == null) {
            return;
        }
        for (String book : store.bookRecords().booksWithRecords()) {
            if (!pullSet.contains(book) && store.bookRecords().unsettled(book).dirty() == 0) {
                int dropped = store.bookRecords().drop(book);
                LOG.log(System.Logger.Level.INFO, "book {0} is no longer subscribed: dropped its {1} local record(s)",
                        book, dropped);
            }
        }
    }

    /**
     * At the end of a chain of a chosen set: drops the notes whose event never came (a backfill sent the note first,
     * then the book was left). Every book: nothing to do, as every live event comes.
     */
    void dropOrphanedNotes(Set<String> pullSet) throws SQLException {
        if (pullSet == null || !notesMayLackEvents) {
            return;
        }
        int dropped = store.bookRecords().dropNotesWithoutEvent();
        if (dropped > 0) {
            LOG.log(System.Logger.Level.INFO, "dropped {0} note(s) of books no longer subscribed whose events never came",
                    dropped);
        }
    }

    /** The chain whose end ran {@link #dropOrphanedNotes} is committed: no note lacks its event until one comes so. */
    void orphanedNotesChecked() {
        notesMayLackEvents = false;
    }

    /**
     * Whether a pulled record may be written: a live event or drawing of a book outside the chain's set, or a note
     * of such a book's event, is not (the chain's set is what the server filters by, so this is a safety net).
     */
    boolean accepts(Set<String> pullSet, SyncTable table, String parentId) throws SQLException {
        if (pullSet == null || parentId == null) {
            return true;
        }
        return switch (table) {
            case EVENTS, SCHEDULE_DRAWINGS -> pullSet.contains(parentId);
            // A note may come before its event (a backfill returns records by their latest change): then trust it.
            case NOTES -> {
                String book = store.bookRecords().bookOfEvent(parentId);
                if (book == null) {
                    notesMayLackEvents = true;
                }
                yield book == null || pullSet.contains(book);
            }
            case BOOKS -> true;
        };
    }

    /** The ids as the store keeps them (canonical UUID text); null sets and ids are refused. */
    static Set<String> ids(Set<UUID> bookIds) {
        Objects.requireNonNull(bookIds, "bookIds");
        return bookIds.stream().map(id -> Objects.requireNonNull(id, "a book id").toString())
                .collect(Collectors.toUnmodifiableSet());
    }

    static Set<UUID> uuids(Set<String> ids) {
        return ids.stream().map(UUID::fromString).collect(Collectors.toUnmodifiableSet());
    }

    private Set<String> unsubscribedWithRecords() throws SQLException {
        Optional<Set<String>> chosen = store.bookSelection().chosen();
        if (chosen.isEmpty()) {
            return Set.of();
        }
        Set<String> books = new LinkedHashSet<>(store.bookRecords().booksWithRecords());
        books.removeAll(chosen.get());
        return books;
    }

    private Set<String> choose(Set<String> books) throws SQLException {
        if (books.size() > MAX_BOOKS) {
            throw new IllegalArgumentException("at most " + MAX_BOOKS + " books can be subscribed, got "
                    + books.size() + "; syncAllBooks() syncs every book");
        }
        store.bookSelection().choose(books);
        return books;
    }
}

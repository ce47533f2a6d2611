package io.syncd.store.records;

import java.util.Set;
import java.util.UUID;

/**
 * Which books' records a read returns: every book, the books named, or every book but those named. Records of the
 * {@code books} table itself are never filtered (a device always gets the whole list of books to choose from).
 *
 * @param books the books named
 * @param excluding true: every book but {@code books}; false: only {@code books}
 */
public record BookFilter(Set<UUID> books, boolean excluding) {
    public static final BookFilter EVERY_BOOK = new BookFilter(Set.of(), true);

    public BookFilter {
        books = Set.copyOf(books);
    }

    public static BookFilter only(Set<UUID> books) {
        return new BookFilter(books, false);
    }

    public static BookFilter allBut(Set<UUID> books) {
        return new BookFilter(books, true);
    }

    public boolean everyBook() {
        return excluding && books.isEmpty();
    }

    /** Whether it can return nothing (no book named to include). */
    public boolean none() {
        return !excluding && books.isEmpty();
    }
}

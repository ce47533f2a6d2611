package io.syncd.gateway.pull;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What a pull chain syncs of the books, and which books it is still catching up on (PROTOCOL.md, "Selective sync").
 *
 * <p>A book enters the chain at the cursor's position {@code P}: the chain returns its changes after {@code P} like
 * every other book's. A book added to the set later has records at or below {@code P} the device never got: they
 * are its backfill, returned (live ones only, in position order) before the chain goes past {@code P}. A backfill
 * spans pages; its progress is the position it has returned up to, per book, because a book added while another's
 * backfill is under way starts from nothing. Once every backfill is done the chain moves on from {@code P}.
 *
 * @param books the books synced; null for every book of the account (also those made later)
 * @param backfill books of the set still catching up, each with the position returned up to
 * @param others when the set is every book: the books not in {@code others.synced()} (nor in {@code backfill}) are
 *        catching up from {@code others.progress()}; they were added by going from a set to every book. Null when no
 *        such backfill is under way.
 */
record BookSelection(Set<UUID> books, Map<UUID, Long> backfill, Others others) {
    /** Every book, nothing to catch up on: what a v1 chain is. */
    static final BookSelection ALL = new BookSelection(null, Map.of(), null);

    /** Every book but these is catching up from {@code progress}. */
    record Others(Set<UUID> synced, long progress) {
        Others {
            synced = Collections.unmodifiableSet(new TreeSet<>(synced));
        }
    }

    BookSelection {
        books = books == null ? null : Collections.unmodifiableSet(new TreeSet<>(books));
        backfill = Collections.unmodifiableMap(new LinkedHashMap<>(backfill));
    }

    /** A new chain: nothing to catch up on. */
    static BookSelection of(Set<UUID> books) {
        return new BookSelection(books, Map.of(), null);
    }

    /** Whether some book is still catching up. */
    boolean backfilling() {
        return !backfill.isEmpty() || others != null;
    }

    /**
     * The selection after the device asks for {@code requested} (null = every book) with a cursor of this one: a
     * book kept keeps its state, an added book catches up from the start, a removed book is dropped.
     */
    BookSelection next(Set<UUID> requested) {
        if (requested == null) {
            if (books == null) {
                return this;
            }
            Map<UUID, Long> kept = new LinkedHashMap<>(backfill);
            // Every book not in the old set is new to the device, also those made later: those come through the
            // chain (their changes are after P), so "catching up" covers exactly the books that exist now.
            return new BookSelection(null, kept, new Others(books, 0));
        }
        Map<UUID, Long> catchingUp = new LinkedHashMap<>();
        for (UUID book : new TreeSet<>(requested)) {
            Long progress = progressOf(book);
            if (progress != null) {
                catchingUp.put(book, progress);
            }
        }
        return new BookSelection(requested, catchingUp, null);
    }

    /** Where {@code book} is in its backfill: null when it is in the chain (or was synced from the chain's start). */
    private Long progressOf(UUID book) {
        if (books != null && !books.contains(book)) {
            return 0L;
        }
        Long progress = backfill.get(book);
        if (progress != null) {
            return progress;
        }
        if (others != null && !others.synced().contains(book)) {
            return others.progress();
        }
        return null;
    }

    /** The selection once every backfill returned what it holds up to {@code position}. */
    BookSelection advancedTo(long position) {
        Map<UUID, Long> advanced = new LinkedHashMap<>();
        backfill.forEach((book, progress) -> advanced.put(book, Math.max(progress, position)));
        Others moved = others == null ? null : new Others(others.synced(), Math.max(others.progress(), position));
        return new BookSelection(books, advanced, moved);
    }

    /** The selection once every backfill is done. */
    BookSelection caughtUp() {
        return new BookSelection(books, Map.of(), null);
    }

    /** The books whose backfill has returned up to {@code progress}, and the others' exclusions, for the reads. */
    Map<Long, Set<UUID>> backfillByProgress() {
        Map<Long, Set<UUID>> groups = new LinkedHashMap<>();
        backfill.forEach((book, progress) -> groups.computeIfAbsent(progress, p -> new HashSet<>()).add(book));
        return groups;
    }

    /** The books {@code others} leaves out: synced ones and those with a backfill of their own. */
    Set<UUID> othersExcluded() {
        Set<UUID> excluded = new HashSet<>(others.synced());
        excluded.addAll(backfill.keySet());
        return excluded;
    }
}

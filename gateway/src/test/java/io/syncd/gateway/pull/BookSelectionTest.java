package io.syncd.gateway.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.SyncTable;

/** How a chain's books change from one pull to the next, and how the cursor carries them. */
class BookSelectionTest {
    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();
    private static final UUID C = UUID.randomUUID();
    private static final UUID DATABASE = UUID.randomUUID();
    private static final byte[] KEY = "a cursor key of this database".getBytes();

    @Test
    void anAddedBookCatchesUpFromTheStartAndAKeptOneKeepsItsState() {
        BookSelection onlyA = BookSelection.of(Set.of(A));

        BookSelection withB = onlyA.next(Set.of(A, B));

        assertThat(withB.books()).containsExactlyInAnyOrder(A, B);
        assertThat(withB.backfill()).isEqualTo(Map.of(B, 0L));
        assertThat(withB.advancedTo(40).next(Set.of(A, B, C)).backfill())
                .as("C added while B is catching up: each from where it stands").isEqualTo(Map.of(B, 40L, C, 0L));
    }

    @Test
    void aRemovedBookIsDroppedAlsoFromItsBackfill() {
        BookSelection withB = BookSelection.of(Set.of(A)).next(Set.of(A, B));

        BookSelection withoutB = withB.next(Set.of(A));

        assertThat(withoutB.books()).containsExactly(A);
        assertThat(withoutB.backfilling()).isFalse();
        assertThat(withoutB.next(Set.of(A, B)).backfill()).as("added again: from the start again")
                .isEqualTo(Map.of(B, 0L));
    }

    @Test
    void goingFromASetToEveryBookBackfillsEveryOtherBookAndBack() {
        BookSelection everyBook = BookSelection.of(Set.of(A)).next(null);

        assertThat(everyBook.books()).isNull();
        assertThat(everyBook.others()).isEqualTo(new BookSelection.Others(Set.of(A), 0));
        BookSelection advanced = everyBook.advancedTo(25);
        assertThat(advanced.next(Set.of(A, B)).backfill()).as("B is one of the others, A was synced")
                .isEqualTo(Map.of(B, 25L));
        assertThat(advanced.caughtUp().next(Set.of(A, B)).backfilling()).isFalse();
        assertThat(BookSelection.ALL.next(Set.of(A)).backfilling()).as("every book to a set: nothing to catch up")
                .isFalse();
    }

    @Test
    void theCursorCarriesTheSelectionSignedAndAnEveryBookChainAsBefore() throws Exception {
        BookSelection selection = new BookSelection(null, Map.of(B, 7L), new BookSelection.Others(Set.of(A, C), 3));
        PullCursor cursor = new PullCursor(DATABASE, 42, 9, EnumSet.of(SyncTable.EVENTS), selection);

        PullCursor read = PullCursor.decode(cursor.encode(KEY), DATABASE, KEY);

        assertThat(read).isEqualTo(cursor);
        String everyBook = new PullCursor(DATABASE, 42, 9, EnumSet.allOf(SyncTable.class), BookSelection.ALL)
                .encode(KEY);
        byte[] v2 = java.util.Base64.getUrlDecoder().decode(everyBook);
        assertThat(v2).as("a v2 cursor, as devices of every book always had").hasSize(50);
        assertThat(v2[0]).isEqualTo((byte) 2);
        Set<UUID> thousand = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add(UUID.randomUUID());
        }
        String large = new PullCursor(DATABASE, 1, 1, EnumSet.allOf(SyncTable.class),
                BookSelection.of(thousand).next(new HashSet<>(thousand))).encode(KEY);
        assertThat(large.length()).isLessThanOrEqualTo(PullRequest.MAX_CURSOR_LENGTH);
        assertThat(PullCursor.decode(large, DATABASE, KEY).selection().books()).isEqualTo(thousand);
    }

    @Test
    void aCursorWithAChangedByteIsRefused() {
        String text = new PullCursor(DATABASE, 42, 9, EnumSet.allOf(SyncTable.class), BookSelection.of(Set.of(A)))
                .encode(KEY);
        byte[] bytes = java.util.Base64.getUrlDecoder().decode(text);
        bytes[bytes.length - 20] ^= 1;
        String tampered = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThatThrownBy(() -> PullCursor.decode(tampered, DATABASE, KEY)).isInstanceOf(PullCursor.Refused.class);
    }
}

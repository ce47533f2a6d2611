package io.syncd.client;

/**
 * A book this device no longer subscribes to whose records are still here, and why: they are dropped only once every
 * unsynced local edit of theirs was pushed and decided, and every conflict or rejection of theirs was resolved.
 *
 * @param bookId      the book
 * @param unsynced    its records with a local edit not decided yet (conflicts and rejections included)
 * @param conflicts   of those, open conflicts (see {@link SyncClient#conflicts()})
 * @param rejections  of those, open rejections (see {@link SyncClient#rejections()})
 */
public record PendingBookRemoval(String bookId, int unsynced, int conflicts, int rejections) {
    /** Why the book's records are kept, in a few words. */
    public String reason() {
        if (conflicts > 0 || rejections > 0) {
            return conflicts + " open conflict(s) and " + rejections + " open rejection(s): resolve them";
        }
        return unsynced + " unsynced edit(s): the next sync pushes them";
    }
}

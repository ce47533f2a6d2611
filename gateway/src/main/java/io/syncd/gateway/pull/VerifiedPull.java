package io.syncd.gateway.pull;

import io.syncd.store.accounts.AccountsTable;

/**
 * A pull request whose cursor was verified against the database that serves it ({@link PullService#verify}).
 *
 * @param cursor null for a new chain
 * @param selection the books this page syncs, and where the backfill of books added since the cursor stands
 */
public record VerifiedPull(PullRequest request, PullCursor cursor, AccountsTable.PullOrigin origin,
                           BookSelection selection) {
}

package io.syncd.projector.stats;

import java.util.UUID;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.edge.errors.ApiException;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.stats.StatsQuery;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/admin/stats}: the statistics of every account, or of one ({@code ?account_id=}). */
@RestController
class AdminStatsController {
    private final AccountsTable accounts;
    private final StatsQuery stats;

    AdminStatsController(AccountsTable accounts, StatsQuery stats) {
        this.accounts = accounts;
        this.stats = stats;
    }

    @GetMapping("/api/admin/stats")
    ObjectNode stats(@RequestParam(name = "account_id", required = false) UUID accountId) {
        // Zero figures would read as an account that never synced (export answers 404 for it too).
        if (accountId != null && !accounts.exists(accountId)) {
            throw ApiException.notFound("no account " + accountId);
        }
        return stats.all(accountId);
    }
}

package io.syncd.projector.stats;

import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.gateway.stats.StatsQuery;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/admin/stats}: the statistics of every account, or of one ({@code ?account_id=}). */
@RestController
class AdminStatsController {
    private final StatsQuery stats;

    AdminStatsController(JdbcClient jdbc) {
        this.stats = new StatsQuery(jdbc);
    }

    @GetMapping("/api/admin/stats")
    ObjectNode stats(@RequestParam(name = "account_id", required = false) UUID accountId) {
        return stats.all(accountId);
    }
}

package io.syncd.gateway.stats;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.store.stats.StatsQuery;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/sync/stats}: the caller's own account's statistics (PROTOCOL.md, "Statistics"). */
@RestController
class StatsController {
    private final StatsQuery stats;

    StatsController(StatsQuery stats) {
        this.stats = stats;
    }

    @GetMapping("/api/sync/stats")
    ObjectNode stats(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice device) {
        return stats.forAccount(device.accountId());
    }
}

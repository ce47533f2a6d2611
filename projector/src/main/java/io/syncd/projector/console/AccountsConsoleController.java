package io.syncd.projector.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.edge.errors.ApiException;
import io.syncd.edge.streams.OpenStreams;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.devices.DevicesTable;
import io.syncd.store.stats.StatsQuery;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/admin/accounts?q=}: accounts by id or by a part of their name; {@code GET
 * /api/admin/accounts/{account_id}}: one account's devices, statistics and recent decisions. Ids, names, times,
 * statuses and codes only: never a token's or key's hash, never a record's data.
 */
@RestController
class AccountsConsoleController {
    static final int MAX_QUERY = 200;
    static final int ACCOUNTS_SHOWN = 20;
    static final int DECISIONS_SHOWN = 50;

    private final AccountsTable accounts;
    private final DevicesTable devices;
    private final StatsQuery stats;
    private final DecisionHistory history;
    /** Null where no gateway runs in this process. */
    private final OpenStreams openStreams;

    AccountsConsoleController(AccountsTable accounts, DevicesTable devices, StatsQuery stats, DecisionHistory history,
                              ObjectProvider<OpenStreams> openStreams) {
        this.accounts = accounts;
        this.devices = devices;
        this.stats = stats;
        this.history = history;
        this.openStreams = openStreams.getIfAvailable();
    }

    record Found(List<AccountsTable.AccountRow> accounts) {
    }

    /**
     * A device as the console shows it; {@code changesBehind}: records other devices wrote since its last sync (the
     * server keeps no device's cursor); {@code openStreams}: its change streams open in this process's gateway, null
     * where no gateway runs in this process (each gateway knows only its own streams).
     */
    record Device(UUID deviceId, String name, String platform, Instant registeredAt, Instant lastSyncAt,
                  Instant revokedAt, boolean active, long changesBehind, Integer openStreams) {
    }

    record AccountDetail(AccountsTable.AccountRow account, List<Device> devices, ObjectNode stats,
                         List<DecisionHistory.Decision> recentDecisions) {
    }

    @GetMapping("/api/admin/accounts")
    Found search(@RequestParam(name = "q", required = false) String q) {
        String text = q == null ? "" : q.strip();
        if (text.isEmpty() || text.length() > MAX_QUERY) {
            throw ApiException.invalid("q", "give an account id or 1 to " + MAX_QUERY + " characters of its name");
        }
        Optional<UUID> id = uuid(text);
        List<AccountsTable.AccountRow> found = id.isPresent() ? accounts.find(id.get()).map(List::of).orElse(List.of())
                : accounts.searchByName(text, ACCOUNTS_SHOWN);
        return new Found(found);
    }

    @GetMapping("/api/admin/accounts/{account_id}")
    AccountDetail account(@PathVariable("account_id") UUID accountId) {
        AccountsTable.AccountRow account = accounts.find(accountId)
                .orElseThrow(() -> ApiException.notFound("no account " + accountId));
        Map<UUID, Integer> streams = openStreams == null ? null : openStreams.byDevice(accountId);
        List<Device> shown = devices.list(accountId).stream().map(d -> new Device(d.id(), d.deviceName(), d.platform(),
                d.registeredAt(), d.lastSyncAt(), d.revokedAt(), d.revokedAt() == null,
                history.writtenByOthersSince(accountId, d.id(), d.lastSyncAt()),
                streams == null ? null : streams.getOrDefault(d.id(), 0))).toList();
        return new AccountDetail(account, shown, stats.forAccount(accountId), history.recent(accountId, DECISIONS_SHOWN));
    }

    private static Optional<UUID> uuid(String text) {
        if (text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

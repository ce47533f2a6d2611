package io.syncd.projector.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.edge.errors.ApiException;

/**
 * {@code GET /api/admin/conflicts}: conflicts and rejections of the last {@code hours} (24 by default, at most a
 * week) by table and code, and the accounts with the most of them.
 */
@RestController
class ConflictsController {
    static final int MAX_HOURS = 168;
    static final int ACCOUNTS_SHOWN = 10;

    private final DecisionHistory history;

    ConflictsController(DecisionHistory history) {
        this.history = history;
    }

    record Conflicts(Instant since, List<DecisionHistory.Refusals> byTableAndCode,
                     List<DecisionHistory.TroubledAccount> accounts) {
    }

    @GetMapping("/api/admin/conflicts")
    Conflicts conflicts(@RequestParam(name = "hours", required = false, defaultValue = "24") String hours) {
        int span;
        try {
            span = Integer.parseInt(hours);
        } catch (NumberFormatException e) {
            span = -1;
        }
        if (span < 1 || span > MAX_HOURS) {
            throw ApiException.invalid("hours", "must be a whole number of hours from 1 to " + MAX_HOURS);
        }
        Instant since = Instant.now().minus(Duration.ofHours(span));
        return new Conflicts(since, history.refusals(since), history.mostConflicted(since, ACCOUNTS_SHOWN));
    }
}

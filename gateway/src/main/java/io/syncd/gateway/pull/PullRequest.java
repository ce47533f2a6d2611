package io.syncd.gateway.pull;

import java.util.EnumSet;
import java.util.Set;

import io.syncd.common.Limits;
import io.syncd.common.SyncTable;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;
import tools.jackson.databind.JsonNode;

/**
 * The pull fields of a request, validated as far as they can be without the database: {@code cursor} (null = from
 * the beginning; verified against the database that issued it by {@link PullService#verify}), {@code tables},
 * {@code limit}, {@code wait_ms}.
 *
 * @param cursor the cursor's text, null to start a new chain
 * @param waitMs how long to hold a pull that would return no changes until one it would return is decided
 */
public record PullRequest(String cursor, Set<SyncTable> tables, int limit, int waitMs) {
    public static final Set<String> FIELDS = Set.of("cursor", "tables", "limit", "wait_ms");
    /** The longest {@code wait_ms} (PROTOCOL.md, "Long-poll"). */
    public static final int MAX_WAIT_MS = 30_000;

    /** Reads the pull fields of an already shape-checked object; records violations (the caller throws them). */
    public static PullRequest read(JsonObject body, Violations violations) {
        Set<SyncTable> tables = EnumSet.allOf(SyncTable.class);
        JsonNode tablesNode = body.get("tables");
        if (tablesNode != null) {
            if (!tablesNode.isArray() || tablesNode.isEmpty()) {
                violations.add(body.path("tables"), "must be a non-empty array of table names");
            } else {
                tables = EnumSet.noneOf(SyncTable.class);
                for (int i = 0; i < tablesNode.size(); i++) {
                    JsonNode name = tablesNode.get(i);
                    SyncTable table = name.isString() ? SyncTable.fromWireName(name.stringValue()).orElse(null) : null;
                    if (table == null) {
                        violations.add(body.path("tables") + "[" + i + "]",
                                "must be one of books, events, notes, schedule_drawings");
                    } else {
                        tables.add(table);
                    }
                }
            }
        }
        Long limit = body.integer("limit", false, 1, Limits.MAX_PULL_LIMIT);
        String cursor = body.string("cursor", false, 200, false);
        Long waitMs = body.integer("wait_ms", false, 0, MAX_WAIT_MS);
        return new PullRequest(cursor, tables, limit == null ? Limits.DEFAULT_PULL_LIMIT : limit.intValue(),
                waitMs == null ? 0 : waitMs.intValue());
    }
}

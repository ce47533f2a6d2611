package io.syncd.gateway.pull;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

import io.syncd.common.Limits;
import io.syncd.common.StrokesFormat;
import io.syncd.common.SyncTable;
import io.syncd.edge.changes.StrokesFormats;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;
import tools.jackson.databind.JsonNode;

/**
 * The pull fields of a request, validated as far as they can be without the database: {@code cursor} (null = from
 * the beginning; verified against the database that issued it by {@link PullService#verify}), {@code tables},
 * {@code limit}, {@code wait_ms}, {@code books}.
 *
 * @param cursor the cursor's text, null to start a new chain
 * @param books the books whose records the device syncs; null for every book of the account, also those made later
 * @param waitMs how long to hold a pull that would return no changes until one it would return is decided
 * @param strokesFormat the form of the strokes of the page's notes and drawings
 */
public record PullRequest(String cursor, Set<SyncTable> tables, int limit, int waitMs, Set<UUID> books,
                          StrokesFormat strokesFormat) {
    public static final Set<String> FIELDS = Set.of("cursor", "tables", "limit", "wait_ms", "books", StrokesFormats.FIELD);
    /** The most books one pull may name (PROTOCOL.md, "Selective sync"). */
    public static final int MAX_BOOKS = 1000;
    /**
     * The longest cursor text taken: a cursor carries the set of books it was issued for and the backfill of added
     * ones (at most {@link #MAX_BOOKS} ids each, ~24 bytes an id).
     */
    public static final int MAX_CURSOR_LENGTH = 80_000;
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
        String cursor = body.string("cursor", false, MAX_CURSOR_LENGTH, false);
        Long waitMs = body.integer("wait_ms", false, 0, MAX_WAIT_MS);
        return new PullRequest(cursor, tables, limit == null ? Limits.DEFAULT_PULL_LIMIT : limit.intValue(),
                waitMs == null ? 0 : waitMs.intValue(), books(body, violations), StrokesFormats.read(body, violations));
    }

    /** The {@code books} set, null when absent; an id named twice counts once. */
    private static Set<UUID> books(JsonObject body, Violations violations) {
        JsonNode node = body.get("books");
        if (node == null) {
            return null;
        }
        if (!node.isArray() || node.size() > MAX_BOOKS) {
            violations.add(body.path("books"), "must be an array of at most " + MAX_BOOKS + " book ids");
            return null;
        }
        Set<UUID> books = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            UUID id = JsonObject.uuidValue(node.get(i), body.path("books") + "[" + i + "]", violations);
            if (id != null) {
                books.add(id);
            }
        }
        return Collections.unmodifiableSet(books);
    }
}

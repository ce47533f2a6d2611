package io.syncd.projector.replay;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.common.SyncTable;
import io.syncd.edge.web.JsonBody;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;

/** {@code POST /api/admin/verify} and {@code POST /api/admin/rebuild} (PROTOCOL.md, "Admin"). */
@RestController
class ReplayController {
    private static final Logger log = LoggerFactory.getLogger(ReplayController.class);

    /**
     * Columns a rebuild from the topics cannot reproduce: {@code position} follows the order in which the appliers'
     * transactions committed, {@code synced_at} the time they did.
     */
    private static final Set<String> ORDER_AND_TIME_COLUMNS = Set.of("position", "synced_at");

    private final Replay replay;
    private final TopicReplay topicReplay;
    private final TableComparison comparison;
    private final ReplaySchemas schemas;

    ReplayController(Replay replay, TopicReplay topicReplay, TableComparison comparison, ReplaySchemas schemas) {
        this.replay = replay;
        this.topicReplay = topicReplay;
        this.comparison = comparison;
        this.schemas = schemas;
    }

    /**
     * Replays every decided change, from {@code sync_log} or from the change topics, into a scratch schema and
     * compares it with the live tables; the answer has the same shape for both sources.
     */
    @PostMapping(path = "/api/admin/verify", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> verify(@RequestBody(required = false) byte[] body) {
        Violations violations = new Violations();
        String source = "sync_log";
        if (body != null && body.length > 0) {
            JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
            if (request != null) {
                request.allowOnly(Set.of("source"));
                String given = request.string("source", false, 20, false);
                if (given != null && !given.equals("sync_log") && !given.equals("kafka")) {
                    violations.add("source", "must be sync_log or kafka");
                } else if (given != null) {
                    source = given;
                }
            }
        }
        violations.throwIfAny();
        long start = System.nanoTime();
        String scratch = "sync_verify_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            boolean fromKafka = source.equals("kafka");
            Replay.Result result = fromKafka ? topicReplay.into(scratch)
                    : replay.into(scratch, Replay.Cutoff.NONE, Replay.Target.SCRATCH);
            Map<String, Object> tables = new LinkedHashMap<>();
            boolean equal = true;
            for (SyncTable table : SyncTable.values()) {
                TableComparison.Outcome outcome = comparison.compare(table, scratch,
                        fromKafka ? ORDER_AND_TIME_COLUMNS : Set.of());
                equal &= outcome.mismatches() == 0;
                tables.put(table.wireName(), Map.of("live", outcome.live(), "rebuilt", outcome.rebuilt(),
                        "mismatches", outcome.mismatches(), "examples", outcome.examples()));
            }
            long took = (System.nanoTime() - start) / 1_000_000;
            log.info("Verify from {}: {} changes replayed in {} ms ({} changes/s), equal={}", source,
                    result.changesReplayed(), took, took == 0 ? result.changesReplayed()
                            : result.changesReplayed() * 1000 / took, equal);
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("equal", equal);
            response.put("tables", tables);
            response.put("changes_replayed", result.changesReplayed());
            response.put("took_ms", took);
            return response;
        } finally {
            replay.drop(scratch);
        }
    }

    /**
     * Materializes the tables as of a decision time ({@code as_of}) or a {@code sync_log.seq} ({@code seq}, or by its
     * first name {@code position}) into the named schema.
     */
    @PostMapping(path = "/api/admin/rebuild", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> rebuild(@RequestBody byte[] body) {
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
        Replay.Cutoff cutoff = Replay.Cutoff.NONE;
        String schema = null;
        if (request != null) {
            request.allowOnly(Set.of("as_of", "seq", "position", "schema"));
            schema = request.string("schema", true, 63, true);
            String problem = schema == null ? null : schemas.problemWith(schema);
            if (problem != null) {
                violations.add("schema", problem);
            }
            String asOf = request.string("as_of", false, 64, true);
            Long seq = request.integer("seq", false, 0, Long.MAX_VALUE);
            Long position = request.integer("position", false, 0, Long.MAX_VALUE);
            int given = (request.has("as_of") ? 1 : 0) + (request.has("seq") ? 1 : 0) + (request.has("position") ? 1 : 0);
            if (given > 1) {
                violations.add(request.has("as_of") ? "as_of" : "seq", "give one of as_of and seq (or position)");
            } else if (asOf != null) {
                try {
                    cutoff = new Replay.Cutoff(null, Instant.parse(asOf));
                } catch (DateTimeParseException e) {
                    violations.add("as_of", "must be an RFC 3339 timestamp such as 2026-11-24T10:00:00Z");
                }
            } else if (seq != null || position != null) {
                cutoff = new Replay.Cutoff(seq != null ? seq : position, null);
            } else if (given == 0) {
                violations.add("as_of", "give as_of or seq");
            }
        }
        violations.throwIfAny();
        long start = System.nanoTime();
        Replay.Result result = replay.into(schema, cutoff, Replay.Target.KEPT);
        Map<String, Object> tables = new LinkedHashMap<>();
        result.rows().forEach((table, rows) -> tables.put(table.wireName(), rows));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("schema", schema);
        response.put("tables", tables);
        response.put("changes_replayed", result.changesReplayed());
        response.put("took_ms", (System.nanoTime() - start) / 1_000_000);
        return response;
    }
}

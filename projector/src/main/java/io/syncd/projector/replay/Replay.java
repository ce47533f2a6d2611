package io.syncd.projector.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.syncd.common.Field;
import io.syncd.common.SyncTable;
import io.syncd.projector.admin.Progress;

/**
 * Replays the audit trail into a schema: the synced tables rebuilt from {@code sync_log} alone. Every applied change
 * carries its record's complete resulting state, so replaying them in commit order is a fold: per record, the last
 * applied change gives version, tombstone and sync columns, and the last applied upsert gives the data (a delete
 * keeps it). The fold runs in PostgreSQL, one statement per table.
 */
@Component
public class Replay {
    private static final Logger log = LoggerFactory.getLogger(Replay.class);
    private static final Pattern SCHEMA_NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");
    private static final String SYNC_COLUMNS = "account_id, id, version, is_deleted, device_id, updated_at, synced_at, position";

    private final JdbcClient jdbc;

    public Replay(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** How far to replay: every decided change, or those up to a {@code sync_log.seq} or a decision time. */
    public record Cutoff(Long position, java.time.Instant asOf) {
        public static final Cutoff NONE = new Cutoff(null, null);

        String sql() {
            if (position != null) {
                return " AND seq <= " + position;
            }
            if (asOf != null) {
                return " AND decided_at <= '" + asOf + "'::timestamptz";
            }
            return "";
        }
    }

    /** Rows written per table and the number of changes replayed. */
    public record Result(Map<SyncTable, Long> rows, long changesReplayed) {
    }

    public static boolean isValidSchemaName(String name) {
        return name != null && SCHEMA_NAME.matcher(name).matches() && !name.equals("public") && !name.startsWith("pg_");
    }

    /** (Re)creates {@code schema} with the synced tables as the cutoff saw them. */
    public Result into(String schema, Cutoff cutoff) {
        if (!isValidSchemaName(schema)) {
            throw new IllegalArgumentException("not a schema name replay may write: " + schema);
        }
        Map<String, Long> changesByTable = new HashMap<>();
        jdbc.sql("SELECT table_name, count(*) FROM sync_log WHERE status = 'applied' AND op IN ('upsert', 'delete')"
                + cutoff.sql() + " GROUP BY table_name")
                .query(rs -> {
                    changesByTable.put(rs.getString(1), rs.getLong(2));
                });
        long changes = changesByTable.values().stream().mapToLong(Long::longValue).sum();
        Progress progress = new Progress(log, "Replay of sync_log into " + schema, changes);
        jdbc.sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE").update();
        jdbc.sql("CREATE SCHEMA " + schema).update();
        Map<SyncTable, Long> rows = new LinkedHashMap<>();
        for (SyncTable table : SyncTable.values()) {
            jdbc.sql("CREATE TABLE " + schema + "." + table.wireName() + " (LIKE public." + table.wireName()
                    + " INCLUDING DEFAULTS)").update();
            long written = jdbc.sql(foldSql(schema, table, cutoff)).update();
            rows.put(table, written);
            // One statement per table: progress moves a table at a time.
            progress.advance(changesByTable.getOrDefault(table.wireName(), 0L));
            log.info("Replayed {} into {}.{}: {} records", table.wireName(), schema, table.wireName(), written);
        }
        return new Result(rows, changes);
    }

    public void drop(String schema) {
        if (isValidSchemaName(schema)) {
            jdbc.sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE").update();
        }
    }

    static String foldSql(String schema, SyncTable table, Cutoff cutoff) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Field field : table.fields()) {
            names.add(field.name());
            String text = "j ->> '" + field.name() + "'";
            values.add(switch (field.type()) {
                case TEXT -> text;
                case BOOL -> "(" + text + ")::boolean";
                case UUID -> "(" + text + ")::uuid";
                case TIMESTAMP -> "(" + text + ")::timestamptz";
                case DATE -> "(" + text + ")::date";
                case INT -> "(" + text + ")::integer";
                // json (not jsonb) keeps the array's text exactly as it was stored.
                case JSON_ARRAY -> "(j -> '" + field.name() + "')::text";
            });
        }
        return """
                WITH changes AS (
                    SELECT account_id, record_id, seq, op, result_version, device_id, received_at, decided_at, position, data
                    FROM sync_log
                    WHERE table_name = '%1$s' AND status = 'applied' AND op IN ('upsert', 'delete')%2$s),
                last AS (
                    SELECT DISTINCT ON (account_id, record_id) * FROM changes ORDER BY account_id, record_id, seq DESC),
                last_data AS (
                    SELECT DISTINCT ON (account_id, record_id) account_id, record_id, data::json AS j
                    FROM changes WHERE op = 'upsert' ORDER BY account_id, record_id, seq DESC)
                INSERT INTO %3$s.%1$s (%4$s, %5$s)
                SELECT l.account_id, l.record_id, l.result_version, l.op = 'delete', l.device_id, l.received_at,
                    l.decided_at, l.position, %6$s
                FROM last l JOIN last_data d USING (account_id, record_id)
                """.formatted(table.wireName(), cutoff.sql(), schema, SYNC_COLUMNS, String.join(", ", names),
                String.join(", ", values));
    }
}

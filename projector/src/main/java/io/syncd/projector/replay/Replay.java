package io.syncd.projector.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.syncd.common.Field;
import io.syncd.common.FieldType;
import io.syncd.common.SyncTable;
import io.syncd.projector.admin.Progress;
import io.syncd.store.records.RecordsTable;

/**
 * Replays the audit trail into a schema: the synced tables rebuilt from {@code sync_log} alone. Every applied change
 * carries its record's complete resulting state, so replaying them in commit order is a fold: per record, the last
 * applied change gives version, tombstone and sync columns, and the last applied upsert gives the data (a delete
 * keeps it). The fold runs in PostgreSQL, one statement per table.
 */
@Component
public class Replay {
    private static final Logger log = LoggerFactory.getLogger(Replay.class);
    private static final String SYNC_COLUMNS = "account_id, id, version, is_deleted, device_id, updated_at, synced_at, position";

    /** Memory for the fold's sorts and joins of one table, so that they stay off the disk. */
    private static final String FOLD_WORK_MEM = "256MB";

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final ReplaySchemas schemas;

    Replay(JdbcClient jdbc, PlatformTransactionManager transactions, ReplaySchemas schemas) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.schemas = schemas;
    }

    /** How far to replay: every decided change, or those up to a {@code sync_log.seq} or a decision time. */
    public record Cutoff(Long seq, java.time.Instant asOf) {
        public static final Cutoff NONE = new Cutoff(null, null);

        String sql() {
            if (seq != null) {
                return " AND seq <= " + seq;
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

    /** What the rebuilt tables are for, which decides whether PostgreSQL must make them crash-safe. */
    public enum Target {
        /** A verify's copy, dropped when it is compared: unlogged tables, so no WAL is written or flushed. */
        SCRATCH,
        /** A rebuild the operator keeps and reads later: ordinary, crash-safe tables. */
        KEPT;

        String createTable() {
            return this == SCRATCH ? "CREATE UNLOGGED TABLE " : "CREATE TABLE ";
        }
    }

    /**
     * Creates {@code schema} (or replaces the one an earlier replay made) with the synced tables as the cutoff saw
     * them; {@code 409} when a schema of that name exists that no replay made.
     */
    public Result into(String schema, Cutoff cutoff, Target target) {
        // The fold's joins are planned from sync_log's statistics; a table that grew since (or was never) analyzed
        // looked like one row and got nested loops that compared every change with every other: minutes, not seconds.
        jdbc.sql("ANALYZE sync_log").update();
        Map<String, Long> changesByTable = new HashMap<>();
        jdbc.sql("SELECT table_name, count(*) FROM sync_log WHERE status = 'applied' AND op IN ('upsert', 'delete')"
                + cutoff.sql() + " GROUP BY table_name")
                .query(rs -> {
                    changesByTable.put(rs.getString(1), rs.getLong(2));
                });
        long changes = changesByTable.values().stream().mapToLong(Long::longValue).sum();
        try (Progress progress = new Progress(log, "Replay of sync_log into " + schema, changes)) {
            schemas.create(schema);
            Map<SyncTable, Long> rows = new LinkedHashMap<>();
            for (SyncTable table : SyncTable.values()) {
                jdbc.sql(target.createTable() + schema + "." + table.wireName() + " (LIKE public." + table.wireName()
                        + " INCLUDING DEFAULTS)").update();
                storeArraysUncompressed(jdbc, schema, table);
                long written = transaction.execute(status -> {
                    jdbc.sql("SELECT set_config('work_mem', '" + FOLD_WORK_MEM + "', true)").query(String.class).single();
                    return (long) jdbc.sql(foldSql(schema, table, cutoff)).update();
                });
                rows.put(table, written);
                // One statement per table: progress moves a table at a time.
                progress.advance(changesByTable.getOrDefault(table.wireName(), 0L));
                log.info("Replayed {} into {}.{}: {} records", table.wireName(), schema, table.wireName(), written);
            }
            return new Result(rows, changes);
        }
    }

    /** A column whose values PostgreSQL keeps as they are, out of line when large, instead of compressing them. */
    static String storeUncompressed(String table, String column) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET STORAGE EXTERNAL";
    }

    /**
     * The rebuilt copy of {@code table} in {@code schema} keeps its strokes uncompressed, as the live tables do
     * (V5, V12): compressing them cost more than the replay itself.
     */
    static void storeArraysUncompressed(JdbcClient jdbc, String schema, SyncTable table) {
        for (Field field : table.fields()) {
            if (field.type() == FieldType.INK) {
                jdbc.sql(storeUncompressed(schema + "." + table.wireName(), field.name())).update();
            }
        }
    }

    /** Drops {@code schema} if a replay made it. */
    public void drop(String schema) {
        schemas.drop(schema);
    }

    /**
     * The fold of one table. The last applied change of each record gives its sync columns and the last applied upsert
     * its data; both are found by sorting only keys and small columns (carrying the data through the sorts made a
     * table of 10,000 notes take minutes), and the data is then read by primary key and split into columns with one
     * {@code json_populate_record} per row (strokes, base64 text in data, decoded to their bytes).
     */
    static String foldSql(String schema, SyncTable table, Cutoff cutoff) {
        List<String> names = new ArrayList<>();
        for (Field field : table.fields()) {
            names.add(field.name());
        }
        List<String> values = table.fields().stream()
                .map(f -> f.type() == FieldType.INK ? f.type().fromText("s.data::json ->> '" + f.name() + "'") : "r." + f.name())
                .collect(Collectors.toCollection(ArrayList::new));
        String parentsBook = "";
        if (table.keepsParentsBook()) {
            // A note's book is its event's, rebuilt before it (tables are folded parents first); parents are fixed at
            // creation, so the event's book is the one the applier wrote on the note.
            names.add(RecordsTable.BOOK_COLUMN);
            values.add("p.book_id");
            parentsBook = "JOIN %s.%s p ON p.account_id = l.account_id AND p.id = r.%s\n".formatted(schema,
                    table.parent().orElseThrow().wireName(), table.parentField());
        }
        return """
                WITH last AS (
                    SELECT DISTINCT ON (account_id, record_id) account_id, record_id, op, result_version, device_id,
                        received_at, decided_at, position
                    FROM sync_log
                    WHERE table_name = '%1$s' AND status = 'applied' AND op IN ('upsert', 'delete')%2$s
                    ORDER BY account_id, record_id, seq DESC),
                last_upsert AS (
                    SELECT DISTINCT ON (account_id, record_id) account_id, record_id, change_id
                    FROM sync_log
                    WHERE table_name = '%1$s' AND status = 'applied' AND op = 'upsert'%2$s
                    ORDER BY account_id, record_id, seq DESC)
                INSERT INTO %3$s.%1$s (%4$s, %5$s)
                SELECT l.account_id, l.record_id, l.result_version, l.op = 'delete', l.device_id, l.received_at,
                    l.decided_at, l.position, %6$s
                FROM last l
                JOIN last_upsert u USING (account_id, record_id)
                JOIN sync_log s ON s.account_id = u.account_id AND s.change_id = u.change_id
                CROSS JOIN LATERAL json_populate_record(NULL::%3$s.%1$s, s.data::json) r
                %7$s""".formatted(table.wireName(), cutoff.sql(), schema, SYNC_COLUMNS, String.join(", ", names),
                String.join(", ", values), parentsBook);
    }
}

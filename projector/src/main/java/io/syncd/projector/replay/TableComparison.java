package io.syncd.projector.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.syncd.common.Field;
import io.syncd.common.SyncTable;
import io.syncd.store.records.RecordsTable;

/** Compares a synced table with its rebuilt copy, column by column. */
@Component
public class TableComparison {
    private static final List<String> SYNC_COLUMNS =
            List.of("version", "is_deleted", "device_id", "updated_at", "synced_at", "position");
    private static final int EXAMPLES = 5;

    private final JdbcClient jdbc;

    public TableComparison(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One table's comparison: row counts, rows that differ, and a few of them with the columns that differ. */
    public record Outcome(long live, long rebuilt, long mismatches, List<Map<String, Object>> examples) {
    }

    /** Compares every column. */
    public Outcome compare(SyncTable table, String schema) {
        return compare(table, schema, Set.of());
    }

    /** Compares every column but the {@code ignored} ones (columns the rebuild cannot reproduce). */
    public Outcome compare(SyncTable table, String schema, Set<String> ignored) {
        List<String> columns = new ArrayList<>(SYNC_COLUMNS);
        table.fields().stream().map(Field::name).forEach(columns::add);
        if (table.keepsParentsBook()) {
            columns.add(RecordsTable.BOOK_COLUMN); // not data, but a rebuild must reproduce it: pulls by book read it
        }
        columns.removeAll(ignored);
        List<String> differs = columns.stream().map(c -> "CASE WHEN l." + c + " IS DISTINCT FROM r." + c
                + " THEN '" + c + "' END").toList();
        String from = " FROM public." + table.wireName() + " l FULL JOIN " + schema + "." + table.wireName()
                + " r ON l.account_id = r.account_id AND l.id = r.id";
        String mismatch = "l.id IS NULL OR r.id IS NULL OR concat_ws(',', " + String.join(", ", differs) + ") <> ''";
        Outcome counts = jdbc.sql("SELECT count(l.id), count(r.id), count(*) FILTER (WHERE " + mismatch + ")" + from)
                .query((rs, n) -> new Outcome(rs.getLong(1), rs.getLong(2), rs.getLong(3), List.of())).single();
        if (counts.mismatches() == 0) {
            return counts;
        }
        List<Map<String, Object>> examples = jdbc.sql("SELECT coalesce(l.account_id, r.account_id) AS account_id,"
                        + " coalesce(l.id, r.id) AS record_id, CASE WHEN l.id IS NULL THEN 'missing from the live table'"
                        + " WHEN r.id IS NULL THEN 'missing from the replay' ELSE concat_ws(',', "
                        + String.join(", ", differs) + ") END AS columns" + from + " WHERE " + mismatch
                        + " ORDER BY 1, 2 LIMIT " + EXAMPLES)
                .query((rs, n) -> Map.<String, Object>of("account_id", rs.getString(1), "record_id", rs.getString(2),
                        "columns", rs.getString(3)))
                .list();
        return new Outcome(counts.live(), counts.rebuilt(), counts.mismatches(), examples);
    }
}

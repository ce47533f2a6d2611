package io.syncd.projector.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import io.syncd.common.JsonValues;
import io.syncd.common.SyncTable;
import io.syncd.common.ink.InkCodec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 31: the migration converts a v1 database and verify stays equal. A database written as the v1 applier wrote
 * it (strokes as JSON text, in the live tables and the audit trail) is migrated to the latest schema; then verify's
 * replay of {@code sync_log} into a scratch schema equals the live tables in every column of every table, every
 * stored stroke set decodes equal by value to what v1 kept, and so does every conflict's server record.
 */
class V1DatabaseMigrationVerifyTest {
    /** Strokes of every kind a v1 device could have sent, as the text v1 kept. */
    private static final List<String> V1_STROKES = List.of(
            "[[[10,20,512,1000],[11,22,530,1016],[13,25,540,1033]],[[50,60,100,2000]]]",
            "[[[10.25,20.50,0.55,1700000000000],[10.75,21.00,0.60,1700000000016],[11.5,21.25,0.6,1700000000032]]]",
            "[[[0.1234567890123456789,1.7976931348623157E308,-3.5e+3,12345678901234567890123],"
                    + "[0.30000000000000004,4.9e-324,-0.1,3]]]",
            "[[[1e308,-1e-320,12345678901234567890123456789,1.000000000000000000001,-0,0.0,1E+2]]]",
            "[ [ [ 1 , 2 ] ,\n [ 3 , 4 ] ] ,\t[] ]",
            "[]",
            "[[], [[]], [[1,2]], [[1,2],[3]], 7, -7.5, null, true, false, {\"k\":[1,{\"n\":null}],\"\":\"\"}]",
            "[[\"é ✍ 𝄞 日本\", {\"ключ\":\"значение\"}]]",
            "[\"tab\\t nl\\n quote\\\" back\\\\ slash\\/ \\u00e9 \\ud83d\\ude00 lone \\ud800 nul \\u0000\"]",
            "[[[1,2,3,4,5,6,7]],[[8]]]");
    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    @Test
    void aMigratedV1DatabaseVerifiesEqualAndKeepsEveryStrokeByValue() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").start()) {
            DataSource dataSource = postgres.getPostgresDatabase();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            Flyway.configure().dataSource(dataSource).target("11").load().migrate();

            Map<UUID, String> v1Strokes = new LinkedHashMap<>(); // every note and drawing: the strokes its row keeps
            Map<SyncTable, Integer> records = new LinkedHashMap<>();
            for (int a = 0; a < 3; a++) {
                writeV1Account(new V1Account(jdbc), a, v1Strokes, records);
            }
            assertThat(liveStrokesMismatches(jdbc)).as("the v1 database is what v1 replayed: live strokes = last upsert's")
                    .isZero();

            Flyway.configure().dataSource(dataSource).load().migrate();

            Replay replay = new Replay(jdbc, new DataSourceTransactionManager(dataSource),
                    new ReplaySchemas(jdbc, new DataSourceTransactionManager(dataSource)));
            TableComparison comparison = new TableComparison(jdbc);
            String scratch = "v1_verify_" + UUID.randomUUID().toString().substring(0, 8);
            try {
                Replay.Result result = replay.into(scratch, Replay.Cutoff.NONE, Replay.Target.SCRATCH);
                for (SyncTable table : SyncTable.values()) {
                    TableComparison.Outcome outcome = comparison.compare(table, scratch);
                    assertThat(outcome.mismatches()).as("%s: %s", table, outcome.examples()).isZero();
                    assertThat(outcome.live()).as(table.wireName()).isEqualTo((long) records.get(table));
                    assertThat(outcome.rebuilt()).as(table.wireName()).isEqualTo((long) records.get(table));
                    assertThat(result.rows().get(table)).isEqualTo((long) records.get(table));
                }
            } finally {
                replay.drop(scratch);
            }

            for (Map.Entry<UUID, String> record : v1Strokes.entrySet()) {
                byte[] ink = jdbc.sql("SELECT strokes_ink FROM notes WHERE id = :id UNION ALL"
                        + " SELECT strokes_ink FROM schedule_drawings WHERE id = :id").param("id", record.getKey())
                        .query(byte[].class).single();
                assertSameValue(InkCodec.decode(ink), record.getValue(), "the live row of " + record.getKey());
            }
            assertServerRecordsKeepTheirStrokes(jdbc);
            assertThat(jdbc.sql("SELECT count(*) FROM sync_log WHERE (data LIKE '%\"strokes\":%'"
                    + " OR server_record LIKE '%\"strokes\":%')").query(Long.class).single())
                    .as("audit rows still holding a strokes array").isZero();
        }
    }

    /**
     * One account: two books, events, notes of every kind of strokes (each edited once, some deleted, one tombstoned
     * by its event's delete), drawings, a conflict, a use_server and a rejected change.
     */
    private static void writeV1Account(V1Account account, int n, Map<UUID, String> v1Strokes,
                                       Map<SyncTable, Integer> records) {
        UUID book = account.book("book " + n);
        UUID other = account.book("other " + n);
        UUID event = account.event(book, "event " + n);
        UUID doomed = account.event(other, "doomed " + n);
        count(records, SyncTable.BOOKS, 2);
        count(records, SyncTable.EVENTS, 2);
        List<UUID> notes = new ArrayList<>();
        List<UUID> drawings = new ArrayList<>();
        for (int i = 0; i < V1_STROKES.size(); i++) {
            String strokes = V1_STROKES.get((i + n) % V1_STROKES.size());
            UUID note = account.note(UUID.randomUUID(), event, "[[[0,0]]]");
            account.note(note, event, strokes); // an edit: replay must take the last upsert's strokes
            v1Strokes.put(note, strokes);
            notes.add(note);
            UUID drawing = account.drawing(UUID.randomUUID(), i % 2 == 0 ? book : other, i % 3, strokes);
            v1Strokes.put(drawing, strokes);
            drawings.add(drawing);
        }
        count(records, SyncTable.NOTES, notes.size());
        count(records, SyncTable.SCHEDULE_DRAWINGS, V1_STROKES.size());
        account.delete(SyncTable.NOTES, notes.get(1), null); // a tombstone keeps its last strokes
        account.conflict(SyncTable.NOTES, notes.get(2));
        account.useServer(SyncTable.NOTES, notes.get(3));
        account.conflict(SyncTable.SCHEDULE_DRAWINGS, drawings.get(1));
        account.rejected(SyncTable.NOTES, UUID.randomUUID());

        UUID cascaded = account.note(UUID.randomUUID(), doomed, V1_STROKES.get(n));
        v1Strokes.put(cascaded, V1_STROKES.get(n));
        count(records, SyncTable.NOTES, 1);
        UUID cause = account.delete(SyncTable.EVENTS, doomed, null);
        account.delete(SyncTable.NOTES, cascaded, cause);
        account.delete(SyncTable.BOOKS, other, null); // after its drawings: they stay live
        account.finish();
    }

    private static void count(Map<SyncTable, Integer> records, SyncTable table, int more) {
        records.merge(table, more, Integer::sum);
    }

    /**
     * Live notes and drawings whose v1 strokes text differs from that of their last applied upsert in sync_log (data
     * ends with its strokes; compared as text, since PostgreSQL's json refuses a lone surrogate v1 kept as sent).
     */
    private static long liveStrokesMismatches(JdbcClient jdbc) {
        long mismatches = 0;
        for (String table : List.of("notes", "schedule_drawings")) {
            mismatches += jdbc.sql("""
                    SELECT count(*) FROM %s t
                    LEFT JOIN LATERAL (SELECT data FROM sync_log s WHERE s.account_id = t.account_id
                        AND s.record_id = t.id AND s.status = 'applied' AND s.op = 'upsert' ORDER BY seq DESC LIMIT 1) l
                        ON true
                    WHERE right(l.data, length(t.strokes) + 12) IS DISTINCT FROM ',"strokes":' || t.strokes || '}'
                    """.formatted(table))
                    .query(Long.class).single();
        }
        return mismatches;
    }

    /** Every conflict's and use_server's record shows the strokes it showed before, now as ink. */
    private static void assertServerRecordsKeepTheirStrokes(JdbcClient jdbc) throws Exception {
        List<String> envelopes = jdbc.sql("SELECT server_record FROM sync_log WHERE server_record IS NOT NULL")
                .query(String.class).list();
        assertThat(envelopes).hasSize(9);
        for (String envelope : envelopes) {
            JsonNode record = EXACT.readTree(envelope);
            UUID id = UUID.fromString(record.get("record_id").stringValue());
            JsonNode data = record.get("data");
            assertThat(data.has("strokes")).as(envelope).isFalse();
            String logged = jdbc.sql("SELECT data FROM sync_log WHERE record_id = ? AND result_version = ?"
                    + " AND op = 'upsert'").params(id, record.get("version").longValue()).query(String.class).single();
            assertThat(data.get("strokes_ink").stringValue()).as("the server record of %s", id)
                    .isEqualTo(EXACT.readTree(logged).get("strokes_ink").stringValue());
            assertThat(InkCodec.decode(InkCodec.fromBase64(data.get("strokes_ink").stringValue())))
                    .as("the server record of %s", id).isNotNull();
        }
    }

    private static void assertSameValue(JsonNode decoded, String v1, String what) {
        assertThat(JsonValues.equalByValue(decoded, EXACT.readTree(v1))).as("%s: %s decoded as %s", what, v1, decoded).isTrue();
    }

}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The statistics fold of decided changes stays out of the appliers' and autovacuum's way, and reads only new pages. */
class StatsFoldTest {
    private static final Duration FOLDED = Duration.ofSeconds(10);
    private final Api api = TestServer.api();

    @Test
    void aVacuumOfSyncLogHoldsUpNeitherTheAppliersNorTheFold() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        assertApplied(api.push(device, upsert("books", bookId, 0, book("b"))));
        awaitApplied(device, 1);

        EmbeddedDatabase db = TestServer.server().infrastructure().database();
        try (Connection vacuum = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            vacuum.setAutoCommit(false);
            // The lock VACUUM holds on the table for as long as it runs.
            vacuum.createStatement().execute("LOCK TABLE sync_log IN SHARE UPDATE EXCLUSIVE MODE");

            assertApplied(api.push(device, events(bookId, 50)));
            awaitApplied(device, 51);
            assertApplied(api.push(device, events(bookId, 50)));
            awaitApplied(device, 101);
            vacuum.rollback();
        }
    }

    @Test
    void aFoldReadsOnlyThePageRangesOfTheSeqsItFolds() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        assertApplied(api.push(device, upsert("books", bookId, 0, book("b"))));
        int pushes = 240;
        for (int p = 0; p < pushes; p++) {
            assertApplied(api.push(device, events(bookId, 50)));
        }
        awaitApplied(device, 1 + pushes * 50);

        EmbeddedDatabase db = TestServer.server().infrastructure().database();
        try (Connection conn = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            long first;
            long pages;
            try (PreparedStatement ps = conn.prepareStatement("SELECT min(seq), pg_relation_size('sync_log') / 8192"
                    + " FROM sync_log WHERE account_id = ?")) {
                ps.setObject(1, UUID.fromString(device.accountId()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    first = rs.getLong(1);
                    pages = rs.getLong(2);
                }
            }
            assertThat(pages).as("sync_log spans several BRIN page ranges (128 pages each)").isGreaterThan(4 * 128);
            // On a log this small the planner would rather read it whole; the fold's log is large.
            conn.createStatement().execute("SET enable_seqscan = off");
            JsonNode plan;
            try (PreparedStatement ps = conn.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON)"
                    + " SELECT count(*) FROM sync_log WHERE seq > ? AND seq <= ?")) {
                ps.setLong(1, first);
                ps.setLong(2, first + 100);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    plan = Json.MAPPER.readTree(rs.getString(1)).get(0).get("Plan");
                }
            }
            assertThat(heapBlocks(plan)).as("heap pages read for 100 seqs, of %d: %s", pages, plan)
                    .isBetween(1L, 2L * 128);
        }
    }

    /** Heap pages a bitmap scan read, wherever it sits in the plan. */
    private static long heapBlocks(JsonNode node) {
        long blocks = node.path("Exact Heap Blocks").asLong(0) + node.path("Lossy Heap Blocks").asLong(0);
        for (JsonNode child : node.path("Plans")) {
            blocks += heapBlocks(child);
        }
        return blocks;
    }

    private static ObjectNode[] events(UUID bookId, int count) {
        List<ObjectNode> changes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            changes.add(upsert("events", UUID.randomUUID(), 0, event(bookId, "e" + i)));
        }
        return changes.toArray(ObjectNode[]::new);
    }

    private static void assertApplied(Api.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        for (JsonNode result : response.body().get("results")) {
            assertThat(result.get("status").stringValue()).as(result.toString()).isEqualTo("applied");
        }
    }

    private void awaitApplied(Api.Device device, long applied) {
        await().atMost(FOLDED).untilAsserted(() -> {
            Api.Response stats = api.get("/api/admin/stats?account_id=" + device.accountId(), TestServer.ADMIN_TOKEN);
            assertThat(stats.status()).as(stats.text()).isEqualTo(200);
            assertThat(stats.body().get("totals").get("applied").longValue()).isEqualTo(applied);
        });
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.ContentCoding;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Guarantee 7: replaying sync_log, or the change topics, rebuilds the live tables exactly; and the admin API around
 * it: point-in-time rebuilds, export and import, statistics.
 */
class ProjectorTest {
    private final Api api = TestServer.api();

    private Api.Response admin(String path, String json) {
        return api.post(path, TestServer.ADMIN_TOKEN, json);
    }

    private static Connection database() throws Exception {
        EmbeddedDatabase db = TestServer.server().infrastructure().database();
        return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
    }

    /** The one random workload of this class: run on first use, shared by the tests that check what it left. */
    private static RandomWorkload workload;

    private static synchronized RandomWorkload workload() {
        if (workload == null) {
            workload = RandomWorkload.run(TestServer.api(), 42, 3, 700);
        }
        return workload;
    }

    private Api.Response verify(String source) {
        Api.Response verify = admin("/api/admin/verify", "{\"source\":\"" + source + "\"}");
        assertThat(verify.status()).as(verify.text()).isEqualTo(200);
        return verify;
    }

    @Test
    void replayingTheAuditTrailOrTheChangeTopicsRebuildsEveryTableExactly() {
        RandomWorkload workload = workload();
        assertThat(workload.changes()).as("changes the workload pushed").isGreaterThan(2000);

        for (String source : List.of("sync_log", "kafka")) {
            Api.Response verify = verify(source);

            assertThat(verify.body().get("equal").booleanValue()).as(source + ": " + verify.text()).isTrue();
            assertThat(verify.body().get("changes_replayed").longValue()).as(source).isGreaterThan(1000);
            for (String table : List.of("books", "events", "notes", "schedule_drawings")) {
                JsonNode t = verify.body().get("tables").get(table);
                assertThat(t.get("mismatches").longValue()).as(source + " " + table).isZero();
                assertThat(t.get("rebuilt").longValue()).as(source + " " + table).isEqualTo(t.get("live").longValue());
                assertThat(t.get("live").longValue()).as(source + " " + table).isPositive();
            }
            assertThat(verify.body().propertyNames()).as(source)
                    .containsExactly("equal", "tables", "changes_replayed", "took_ms");
        }
    }

    /**
     * The two sources count different things (PROTOCOL.md, "Admin API"): from sync_log the applied changes that wrote a
     * record, cascaded tombstones included; from the topics every change event, whatever it was decided, re-sent ones
     * too. Tests of this JVM run one at a time, so the difference of two verifies is this test's own changes.
     */
    @Test
    void verifyCountsTheRecordWritesFromSyncLogAndEveryChangeEventFromTheTopics() {
        long fromLog = verify("sync_log").body().get("changes_replayed").longValue();
        long fromTopics = verify("kafka").body().get("changes_replayed").longValue();
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        ObjectNode create = upsert("books", bookId, 0, book("b"));
        ObjectNode child = upsert("events", UUID.randomUUID(), 0, event(bookId, "e"));
        assertThat(statuses(api.push(device, create, child))).containsExactly("applied", "applied");
        assertThat(statuses(api.push(device, create, child))).as("sent again").containsExactly("applied", "applied");
        assertThat(statuses(api.push(device, upsert("books", bookId, 5, book("stale"))))).containsExactly("conflict");
        assertThat(statuses(api.push(device, upsert("events", UUID.randomUUID(), 0, event(UUID.randomUUID(), "o")))))
                .containsExactly("rejected");
        assertThat(api.post("/api/sync/resolve-conflict", device.token(), "{\"change_id\":\"" + UUID.randomUUID()
                + "\",\"table\":\"books\",\"record_id\":\"" + bookId + "\",\"resolution\":\"use_server\","
                + "\"base_version\":1}").body().get("status").stringValue()).isEqualTo("applied");
        assertThat(statuses(api.push(device, Api.delete("books", bookId, 1)))).containsExactly("applied");

        Api.Response logVerify = verify("sync_log");
        Api.Response topicsVerify = verify("kafka");

        // The book, its event, the book's delete and the event's cascaded tombstone.
        assertThat(logVerify.body().get("changes_replayed").longValue() - fromLog).isEqualTo(4);
        // Two changes twice, the conflict, the rejection, the resolution and the delete; no tombstone.
        assertThat(topicsVerify.body().get("changes_replayed").longValue() - fromTopics).isEqualTo(8);
        assertThat(logVerify.body().get("equal").booleanValue()).as(logVerify.text()).isTrue();
        assertThat(topicsVerify.body().get("equal").booleanValue()).as(topicsVerify.text()).isTrue();
    }

    private static List<String> statuses(Api.Response push) {
        assertThat(push.status()).as(push.text()).isEqualTo(200);
        return push.body().get("results").valueStream().map(r -> r.get("status").stringValue()).toList();
    }

    /** The account's partition of a change topic, as the gateway's producer picks it (key = account id). */
    private static int partitionOf(String accountId, int partitions) {
        return Utils.toPositive(Utils.murmur2(accountId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Partitions hold many accounts' pushes in the order they were appended, not accepted: with pushes in flight side
     * by side, a change accepted earlier can be appended after one accepted later. The replay must merge the topics
     * in append order, or it meets such a push's note before its event (sent first, acknowledged first) and rejects
     * it. The gateway's produce is played here by hand so that the interleaving happens every time.
     */
    @Test
    void verifyFromTheTopicsFollowsAppendOrderAlsoWhenAPushAcceptedEarlierIsAppendedLater() throws Exception {
        Map<String, Object> config = new HashMap<>(TestServer.server().infrastructure().kafka().clientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(SyncTable.EVENTS.topic()).size();
            Api.Device early = api.newDevice();
            Api.Device late = api.newDevice();
            while (partitionOf(late.accountId(), partitions) != partitionOf(early.accountId(), partitions)) {
                late = api.newDevice();
            }
            UUID earlyBook = UUID.randomUUID();
            UUID lateBook = UUID.randomUUID();
            api.push(early, upsert("books", earlyBook, 0, book("accepted first")));
            api.push(late, upsert("books", lateBook, 0, book("accepted second")));
            Instant accepted = Instant.now();
            UUID earlyEvent = UUID.randomUUID();
            ChangeEvent lateChange = eventChange(late, UUID.randomUUID(), lateBook, accepted.plusSeconds(1));
            ChangeEvent earlyChange = eventChange(early, earlyEvent, earlyBook, accepted);
            ChangeEvent earlyNote = new ChangeEvent(UUID.randomUUID(), UUID.fromString(early.accountId()),
                    UUID.fromString(early.deviceId()), SyncTable.NOTES, ChangeOp.UPSERT, UUID.randomUUID(), 0,
                    "{\"event_id\":\"" + earlyEvent + "\",\"strokes\":[[1,2,3]]}", accepted);

            // The later push reaches the events partition first; the earlier one's note follows its event's ack.
            for (ChangeEvent change : List.of(lateChange, earlyChange, earlyNote)) {
                producer.send(new ProducerRecord<>(change.table().topic(), change.accountId().toString(),
                        ChangeEventCodec.encode(change))).get(30, TimeUnit.SECONDS);
            }
            Api.Device device = early;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/api/sync/changes/"
                    + earlyNote.changeId(), device.token()).body().get("status").stringValue()).isEqualTo("applied"));
        }

        Api.Response verify = verify("kafka");

        assertThat(verify.body().get("equal").booleanValue()).as(verify.text()).isTrue();
    }

    private static ChangeEvent eventChange(Api.Device device, UUID eventId, UUID bookId, Instant receivedAt) {
        return new ChangeEvent(UUID.randomUUID(), UUID.fromString(device.accountId()), UUID.fromString(device.deviceId()),
                SyncTable.EVENTS, ChangeOp.UPSERT, eventId, 0, "{\"book_id\":\"" + bookId + "\",\"name\":\"e\","
                        + "\"record_number\":null,\"event_type\":null,\"start_time\":\"2026-11-24T09:00:00Z\","
                        + "\"end_time\":null,\"is_removed\":false,\"removal_reason\":null}", receivedAt);
    }

    @Test
    void aCorruptedLiveRowMakesVerifyUnequalAndNamesIt() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("true name")));
        try (Connection db = database();
             PreparedStatement corrupt = db.prepareStatement("UPDATE books SET name = 'tampered' WHERE id = ?")) {
            corrupt.setObject(1, bookId);
            corrupt.executeUpdate();
            try {
                for (String body : List.of("{}", "{\"source\":\"kafka\"}")) {
                    Api.Response verify = admin("/api/admin/verify", body);

                    assertThat(verify.body().get("equal").booleanValue()).as(body).isFalse();
                    JsonNode books = verify.body().get("tables").get("books");
                    assertThat(books.get("mismatches").longValue()).as(body).isEqualTo(1);
                    assertThat(books.get("examples").get(0).get("account_id").stringValue()).isEqualTo(device.accountId());
                    assertThat(books.get("examples").get(0).get("record_id").stringValue()).isEqualTo(bookId.toString());
                    assertThat(books.get("examples").get(0).get("columns").stringValue()).as(body).isEqualTo("name");
                }
                try (ResultSet left = db.createStatement().executeQuery(
                        "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'sync\\_verify\\_%'")) {
                    left.next();
                    assertThat(left.getLong(1)).as("scratch schemas left behind by verify").isZero();
                }
            } finally {
                try (PreparedStatement restore = db.prepareStatement("UPDATE books SET name = 'true name' WHERE id = ?")) {
                    restore.setObject(1, bookId);
                    restore.executeUpdate();
                }
            }
        }
    }

    @Test
    void aPointInTimeRebuildEqualsWhatDevicesSawThen() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("then")), upsert("books", gone, 0, book("still there then")));
        Map<String, String> then = new HashMap<>();
        api.pullAll(device, null).records().forEach(r -> then.put(r.get("record_id").stringValue(),
                r.get("version").longValue() + ":" + r.get("data").get("name").stringValue()));
        Instant asOf = Instant.now();
        api.push(device, upsert("books", bookId, 1, book("later")), Api.delete("books", gone, 1),
                upsert("books", UUID.randomUUID(), 0, book("new later")));

        Api.Response rebuild = admin("/api/admin/rebuild", "{\"as_of\":\"" + asOf + "\",\"schema\":\"forensics_test\"}");

        assertThat(rebuild.status()).as(rebuild.text()).isEqualTo(200);
        Map<String, String> rebuilt = new HashMap<>();
        long notCrashSafe;
        try (Connection db = database(); PreparedStatement ps = db.prepareStatement(
                "SELECT id, version, name FROM forensics_test.books WHERE account_id = ? AND NOT is_deleted")) {
            ps.setObject(1, UUID.fromString(device.accountId()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rebuilt.put(rs.getString(1), rs.getLong(2) + ":" + rs.getString(3));
                }
            }
            // A kept rebuild is what an operator recovers from: unlike a verify's scratch copy, it must survive a crash.
            try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname = 'forensics_test' AND c.relpersistence <> 'p'")) {
                rs.next();
                notCrashSafe = rs.getLong(1);
            }
            db.createStatement().execute("DROP SCHEMA forensics_test CASCADE");
        }
        assertThat(rebuilt).isEqualTo(then);
        assertThat(notCrashSafe).as("unlogged relations in the kept rebuild").isZero();
    }

    /** A rebuild's cutoff can be the {@code sync_log.seq} of a decision ({@code seq}, or its first name {@code position}). */
    @Test
    void aRebuildAsOfASyncLogSeqHoldsEveryChangeDecidedUpToIt() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("then")));
        long seq;
        try (Connection db = database(); PreparedStatement ps = db.prepareStatement(
                "SELECT max(seq) FROM sync_log WHERE account_id = ?")) {
            ps.setObject(1, UUID.fromString(device.accountId()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
        }
        api.push(device, upsert("books", bookId, 1, book("later")));

        for (String field : List.of("seq", "position")) {
            String schema = "by_" + field + "_" + UUID.randomUUID().toString().substring(0, 8);
            Api.Response rebuild = admin("/api/admin/rebuild", "{\"" + field + "\":" + seq + ",\"schema\":\"" + schema
                    + "\"}");
            assertThat(rebuild.status()).as(rebuild.text()).isEqualTo(200);
            try (Connection db = database(); ResultSet rs = db.createStatement().executeQuery(
                    "SELECT version, name FROM " + schema + ".books WHERE id = '" + bookId + "'")) {
                assertThat(rs.next()).as(field).isTrue();
                assertThat(rs.getLong(1) + ":" + rs.getString(2)).as(field).isEqualTo("1:then");
            } finally {
                execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
        Api.Response both = admin("/api/admin/rebuild", "{\"seq\":" + seq + ",\"position\":" + seq
                + ",\"schema\":\"by_both\"}");
        assertThat(both.status()).as(both.text()).isEqualTo(400);
        assertThat(tableExists("by_both", "books")).isFalse();
    }

    private static boolean tableExists(String schema, String table) throws Exception {
        try (Connection db = database(); PreparedStatement ps = db.prepareStatement(
                "SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection db = database()) {
            db.createStatement().execute(sql);
        }
    }

    /** On a shared PostgreSQL, a schema of the rebuild's name can be another application's data. */
    @Test
    void aRebuildNeverReplacesASchemaItDidNotMake() throws Exception {
        String schema = "billing_" + UUID.randomUUID().toString().substring(0, 8);
        execute("CREATE SCHEMA " + schema + "; CREATE TABLE " + schema + ".invoices (id int PRIMARY KEY);"
                + " INSERT INTO " + schema + ".invoices VALUES (1)");
        try {
            Api.Response refused = admin("/api/admin/rebuild", "{\"position\":3,\"schema\":\"" + schema + "\"}");

            assertThat(refused.status()).as(refused.text()).isEqualTo(409);
            assertThat(refused.code()).isEqualTo("conflict");
            assertThat(refused.body().get("detail").stringValue()).contains(schema);
            assertThat(tableExists(schema, "invoices")).as("the other application's table").isTrue();
            assertThat(tableExists(schema, "books")).isFalse();
        } finally {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void aRebuildReplacesTheSchemaOfAnEarlierRebuild() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("first")));
        String schema = "recovery_" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"as_of\":\"" + Instant.now().plusSeconds(1) + "\",\"schema\":\"" + schema + "\"}";
        try {
            assertThat(admin("/api/admin/rebuild", body).status()).isEqualTo(200);
            execute("UPDATE " + schema + ".books SET name = 'read and changed by the operator' WHERE id = '" + bookId + "'");

            Api.Response again = admin("/api/admin/rebuild", body);

            assertThat(again.status()).as(again.text()).isEqualTo(200);
            try (Connection db = database(); ResultSet rs = db.createStatement().executeQuery(
                    "SELECT name FROM " + schema + ".books WHERE id = '" + bookId + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("first");
            }
        } finally {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void aRebuildRefusesSystemSchemasAndNamesPostgresqlReserves() throws Exception {
        for (String schema : List.of("public", "information_schema", "pg_catalog", "pg_toast", "pg_temp_1", "user",
                "select", "Books", "1st", "")) {
            Api.Response refused = admin("/api/admin/rebuild", "{\"position\":1,\"schema\":\"" + schema + "\"}");

            assertThat(refused.status()).as(schema + ": " + refused.text()).isEqualTo(400);
            assertThat(refused.code()).as(schema).isEqualTo("invalid_request");
            assertThat(refused.body().get("errors").get(0).get("field").stringValue()).as(schema).isEqualTo("schema");
        }
        assertThat(tableExists("information_schema", "sql_features")).isTrue();
    }

    @Test
    void anExportStreamsTheAccountsLiveRecordsAsNdjson() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("exported")), upsert("events", eventId, 0, event(bookId, "e")),
                upsert("books", UUID.randomUUID(), 0, book("deleted")));
        api.push(device, Api.delete("books", UUID.fromString(api.pullAll(device, null).records().stream()
                .filter(r -> r.get("data").get("name").stringValue().equals("deleted")).findFirst().orElseThrow()
                .get("record_id").stringValue()), 1));

        Api.Response export = api.send(api.request("/api/admin/accounts/" + device.accountId() + "/export",
                TestServer.ADMIN_TOKEN).GET().build());

        assertThat(export.status()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lines = export.text().lines().map(Json.MAPPER::readTree).toList();
        assertThat(lines).extracting(l -> l.get("record_id").stringValue())
                .containsExactly(bookId.toString(), eventId.toString());
        assertThat(lines.get(1).get("data").get("book_id").stringValue()).isEqualTo(bookId.toString());
        assertThat(api.send(api.request("/api/admin/accounts/" + UUID.randomUUID() + "/export", TestServer.ADMIN_TOKEN)
                .GET().build()).status()).isEqualTo(404);
    }

    private Api.Response export(String accountId) {
        return api.send(api.request("/api/admin/accounts/" + accountId + "/export", TestServer.ADMIN_TOKEN).GET().build());
    }

    private Api.Response importInto(String accountId, String token, String ndjson) {
        return api.send(api.request("/api/admin/accounts/" + accountId + "/import", token)
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson)).build());
    }

    /** Live records keyed by table and record id. */
    private Map<String, JsonNode> liveRecords(Api.Device device) {
        Map<String, JsonNode> records = new TreeMap<>();
        api.pullAll(device, null).records().forEach(r -> records.put(r.get("table").stringValue() + "/"
                + r.get("record_id").stringValue(), r));
        return records;
    }

    private static long liveRowCount(String accountId) throws Exception {
        try (Connection db = database(); PreparedStatement ps = db.prepareStatement("SELECT"
                + " (SELECT count(*) FROM books WHERE account_id = ?::uuid AND NOT is_deleted)"
                + " + (SELECT count(*) FROM events WHERE account_id = ?::uuid AND NOT is_deleted)"
                + " + (SELECT count(*) FROM notes WHERE account_id = ?::uuid AND NOT is_deleted)"
                + " + (SELECT count(*) FROM schedule_drawings WHERE account_id = ?::uuid AND NOT is_deleted)")) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, accountId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void anExportImportedIntoANewAccountReproducesEveryLiveRecord() throws Exception {
        RandomWorkload workload = workload();
        for (String accountId : workload.accountIds()) {
            Api.Response export = export(accountId);
            // What the export holds is checked against the live tables by the export test; the workload's own
            // devices must not pull here (the statistics test counts their every request).
            Map<String, JsonNode> expected = new TreeMap<>();
            export.text().lines().map(Json.MAPPER::readTree).forEach(r -> expected.put(r.get("table").stringValue()
                    + "/" + r.get("record_id").stringValue(), r));
            assertThat(expected).hasSizeGreaterThan(100).hasSize((int) liveRowCount(accountId));
            Api.Device target = api.newDevice();

            Api.Response imported = importInto(target.accountId(), TestServer.ADMIN_TOKEN, export.text());

            assertThat(imported.status()).as(imported.text()).isEqualTo(200);
            assertThat(imported.body().get("rejected").longValue()).as(imported.text()).isZero();
            assertThat(imported.body().get("skipped_tombstones").longValue()).isZero();
            for (String table : List.of("books", "events", "notes", "schedule_drawings")) {
                assertThat(imported.body().get("imported").get(table).longValue()).as(table)
                        .isEqualTo(expected.keySet().stream().filter(k -> k.startsWith(table + "/")).count());
            }
            Map<String, JsonNode> copied = liveRecords(target);
            assertThat(copied.keySet()).isEqualTo(expected.keySet());
            copied.forEach((key, record) -> {
                assertThat(record.get("data")).as(key).isEqualTo(expected.get(key).get("data"));
                assertThat(record.get("version").longValue()).as("versions restart at 1: " + key).isEqualTo(1);
                assertThat(record.get("device_id").stringValue()).isEqualTo(imported.body().get("device_id").stringValue());
            });
            assertThat(api.get("/api/devices/" + imported.body().get("device_id").stringValue(), target.token())
                    .body().get("is_active").booleanValue()).as("the import's device is revoked once done").isFalse();
        }
    }

    @Test
    void anImportSkipsTombstonesRejectsOrphansWithTheirReasonAndTakesACompressedFile() throws Exception {
        Api.Device target = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID orphan = UUID.randomUUID();
        String ndjson = String.join("\n",
                "{\"table\":\"books\",\"record_id\":\"" + bookId + "\",\"version\":7,\"is_deleted\":false,"
                        + "\"data\":{\"name\":\"kept\"},\"updated_at\":\"2026-11-24T10:00:00Z\",\"device_id\":\""
                        + UUID.randomUUID() + "\"}",
                "{\"table\":\"books\",\"record_id\":\"" + UUID.randomUUID() + "\",\"version\":3,\"is_deleted\":true,"
                        + "\"data\":null}",
                "",
                "{\"table\":\"events\",\"record_id\":\"" + orphan + "\",\"data\":" + event(UUID.randomUUID(), "lost") + "}")
                + "\n";
        byte[] compressed = ContentCoding.ZSTD.encode(ndjson.getBytes(StandardCharsets.UTF_8));

        Api.Response imported = api.send(api.request("/api/admin/accounts/" + target.accountId() + "/import",
                        TestServer.ADMIN_TOKEN).header("Content-Type", "application/x-ndjson")
                .header("Content-Encoding", "zstd").POST(HttpRequest.BodyPublishers.ofByteArray(compressed))
                .build());

        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        assertThat(imported.body().get("imported").get("books").longValue()).isEqualTo(1);
        assertThat(imported.body().get("imported").get("events").longValue()).isZero();
        assertThat(imported.body().get("skipped_tombstones").longValue()).isEqualTo(1);
        assertThat(imported.body().get("rejected").longValue()).isEqualTo(1);
        JsonNode rejection = imported.body().get("rejections").get(0);
        assertThat(rejection.get("record_id").stringValue()).isEqualTo(orphan.toString());
        assertThat(rejection.get("code").stringValue()).isEqualTo("missing_parent");
        assertThat(liveRecords(target).keySet()).containsExactly("books/" + bookId);
    }

    @Test
    void anImportWithABadLineIsRefusedWholeAndImportsNothing() {
        Api.Device target = api.newDevice();
        String ndjson = String.join("\n",
                "{\"table\":\"books\",\"record_id\":\"" + UUID.randomUUID() + "\",\"data\":{\"name\":\"fine\"}}",
                "{\"table\":\"books\",\"record_id\":\"" + UUID.randomUUID() + "\",\"data\":{\"name\":\"  \"}}",
                "{\"table\":\"books\",\"record_id\":\"" + UUID.randomUUID() + "\",\"data\":{\"name\":\"x\"},\"colour\":1}",
                "not json");

        Api.Response refused = importInto(target.accountId(), TestServer.ADMIN_TOKEN, ndjson);

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("invalid_request");
        assertThat(refused.body().get("errors")).extracting(e -> e.get("field").stringValue())
                .containsExactly("line 2.data.name", "line 3.colour", "line 4");
        assertThat(liveRecords(target)).isEmpty();
        assertThat(api.get("/api/devices", target.token()).body().get("devices")).as("no import device").hasSize(1);
    }

    @Test
    void anImportNeedsAnExistingEmptyAccountAndNdjson() {
        Api.Device used = api.newDevice();
        api.push(used, upsert("books", UUID.randomUUID(), 0, book("already here")));
        String line = "{\"table\":\"books\",\"record_id\":\"" + UUID.randomUUID() + "\",\"data\":{\"name\":\"b\"}}";

        Api.Response conflict = importInto(used.accountId(), TestServer.ADMIN_TOKEN, line);
        assertThat(conflict.status()).as(conflict.text()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo("conflict");
        assertThat(liveRecords(used)).hasSize(1);

        assertThat(importInto(UUID.randomUUID().toString(), TestServer.ADMIN_TOKEN, line).status()).isEqualTo(404);
        Api.Response json = api.send(api.request("/api/admin/accounts/" + api.newDevice().accountId() + "/import",
                TestServer.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(line)).build());
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.body().get("detail").stringValue()).contains("application/x-ndjson");
    }

    @Test
    void statisticsCountExactlyWhatTheWorkloadDid() {
        RandomWorkload workload = workload();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String accountId : workload.accountIds()) {
                Api.Response stats = api.get("/api/admin/stats?account_id=" + accountId, TestServer.ADMIN_TOKEN);
                assertThat(stats.status()).as(stats.text()).isEqualTo(200);
                assertThat(stats.body().get("accounts")).hasSize(1);
                List<Api.Device> devices = workload.devices.stream().filter(d -> d.accountId().equals(accountId)).toList();
                assertThat(stats.body().get("devices")).extracting(d -> d.get("device_id").stringValue())
                        .containsExactlyInAnyOrderElementsOf(devices.stream().map(Api.Device::deviceId).toList());
                for (JsonNode device : stats.body().get("devices")) {
                    assertFigures(device, workload.counts.get(device.get("device_id").stringValue()));
                }
                long pushes = devices.stream().mapToLong(d -> workload.counts.get(d.deviceId()).pushes).sum();
                assertThat(stats.body().get("totals").get("pushes").longValue()).isEqualTo(pushes);
                assertThat(stats.body().get("accounts").get(0).get("pushes").longValue()).isEqualTo(pushes);

                Api.Response own = api.get("/api/sync/stats", devices.get(0).token());
                assertThat(own.status()).as(own.text()).isEqualTo(200);
                assertThat(own.body().get("account_id").stringValue()).isEqualTo(accountId);
                assertThat(own.body().get("totals")).isEqualTo(stats.body().get("totals"));
                assertThat(own.body().get("tables")).isEqualTo(stats.body().get("tables"));
                assertThat(own.body().get("devices")).isEqualTo(stats.body().get("devices"));
            }
        });
        Api.Response all = api.get("/api/admin/stats", TestServer.ADMIN_TOKEN);
        assertThat(all.body().get("totals").get("applied").longValue())
                .isGreaterThanOrEqualTo(workload.counts.values().stream()
                        .mapToLong(c -> c.tables.keySet().stream().mapToLong(c::applied).sum()).sum());
        assertThat(all.body().get("accounts").size()).isGreaterThanOrEqualTo(workload.accountIds().size());
    }

    /** {@code use_server} writes nothing: it is a resolution of its own, not an applied change. */
    @Test
    void aUseServerResolutionIsCountedAsAResolutionNotAsAnAppliedChange() {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        UUID bookId = UUID.randomUUID();
        api.push(phone, upsert("books", bookId, 0, book("original")));
        api.push(phone, upsert("books", bookId, 1, book("phone edit")));
        assertThat(api.push(tablet, upsert("books", bookId, 1, book("tablet edit"))).body().get("results").get(0)
                .get("status").stringValue()).isEqualTo("conflict");

        Api.Response resolved = api.post("/api/sync/resolve-conflict", tablet.token(), "{\"change_id\":\""
                + UUID.randomUUID() + "\",\"table\":\"books\",\"record_id\":\"" + bookId
                + "\",\"resolution\":\"use_server\",\"base_version\":2}");

        assertThat(resolved.body().get("status").stringValue()).as(resolved.text()).isEqualTo("applied");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Api.Response stats = api.get("/api/admin/stats?account_id=" + phone.accountId(), TestServer.ADMIN_TOKEN);
            assertThat(stats.body().get("totals").get("use_server").longValue()).as(stats.text()).isEqualTo(1);
            assertThat(stats.body().get("totals").get("applied").longValue()).isEqualTo(2);
            assertThat(stats.body().get("totals").get("conflicts").longValue()).isEqualTo(1);
            assertThat(stats.body().get("tables").get("books").get("use_server").longValue()).isEqualTo(1);
            JsonNode tabletFigures = stats.body().get("devices").valueStream()
                    .filter(d -> d.get("device_id").stringValue().equals(tablet.deviceId())).findFirst().orElseThrow();
            assertThat(tabletFigures.get("applied").longValue()).isZero();
            assertThat(tabletFigures.get("use_server").longValue()).isEqualTo(1);
            assertThat(tabletFigures.get("tables").get("books").get("use_server").longValue()).isEqualTo(1);
            assertThat(api.get("/api/sync/stats", tablet.token()).body().get("totals"))
                    .isEqualTo(stats.body().get("totals"));
        });
    }

    @Test
    void theStatisticsOfAnUnknownAccountAreNotFound() {
        Api.Response unknown = api.get("/api/admin/stats?account_id=" + UUID.randomUUID(), TestServer.ADMIN_TOKEN);

        assertThat(unknown.status()).as(unknown.text()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
        Api.Response quiet = api.get("/api/admin/stats?account_id=" + api.newDevice().accountId(), TestServer.ADMIN_TOKEN);
        assertThat(quiet.status()).as("an account with nothing synced yet").isEqualTo(200);
        assertThat(quiet.body().get("totals").get("applied").longValue()).isZero();
        assertThat(quiet.body().get("accounts")).isEmpty();
    }

    private static void assertFigures(JsonNode device, RandomWorkload.Counts expected) {
        String id = device.get("device_id").stringValue();
        assertThat(device.get("pushes").longValue()).as("pushes of " + id).isEqualTo(expected.pushes);
        assertThat(device.get("pulls").longValue()).as("pulls of " + id).isEqualTo(expected.pulls);
        assertThat(device.get("bytes_in").longValue()).as("bytes in of " + id).isEqualTo(expected.bytesIn);
        assertThat(device.get("bytes_out").longValue()).as("bytes out of " + id).isEqualTo(expected.bytesOut);
        assertThat(device.get("last_sync_at").isNull()).isFalse();
        expected.tables.forEach((table, counts) -> {
            JsonNode t = device.get("tables").get(table);
            assertThat(t.get("applied").longValue()).as("applied %s of %s", table, id).isEqualTo(counts[0]);
            assertThat(t.get("conflicts").longValue()).as("conflicts %s of %s", table, id).isEqualTo(counts[1]);
            assertThat(t.get("rejected").longValue()).as("rejected %s of %s", table, id).isEqualTo(counts[2]);
        });
    }

    @Test
    void theAdminApiNeedsTheAdminToken() {
        assertThat(api.post("/api/admin/verify", null, "{}").code()).isEqualTo("unauthorized");
        assertThat(api.post("/api/admin/verify", "not-the-token", "{}").status()).isEqualTo(401);
        assertThat(api.post("/api/admin/verify", api.newDevice().token(), "{}").status()).isEqualTo(401);
        assertThat(api.post("/api/admin/verify", null, "{\"source\":\"kafka\"}").status()).isEqualTo(401);
        assertThat(api.send(api.request("/api/admin/accounts/" + UUID.randomUUID() + "/export", null).GET().build())
                .status()).isEqualTo(401);
        Api.Device device = api.newDevice();
        String line = "{\"table\":\"books\",\"record_id\":\"" + UUID.randomUUID() + "\",\"data\":{\"name\":\"b\"}}";
        assertThat(importInto(device.accountId(), null, line).code()).isEqualTo("unauthorized");
        assertThat(importInto(device.accountId(), device.token(), line).status()).isEqualTo(401);
        assertThat(liveRecords(device)).isEmpty();
        assertThat(api.get("/api/admin/stats", null).code()).isEqualTo("unauthorized");
        assertThat(api.get("/api/admin/stats", device.token()).status()).isEqualTo(401);
        assertThat(api.get("/api/sync/stats", null).code()).isEqualTo("unauthorized");
        assertThat(api.get("/api/sync/stats", TestServer.ADMIN_TOKEN).status()).isEqualTo(401);
        assertThat(admin("/api/admin/rebuild", "{\"position\":1,\"schema\":\"public\"}").code()).isEqualTo("invalid_request");
        assertThat(admin("/api/admin/verify", "{\"source\":\"elsewhere\"}").code()).isEqualTo("invalid_request");
    }
}

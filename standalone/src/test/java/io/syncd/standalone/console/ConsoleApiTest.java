package io.syncd.standalone.console;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.note;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.standalone.Api;
import io.syncd.standalone.TestServer;
import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The operator console's admin endpoints (docs/OPERATING.md, "Operator console") against the shared server: what
 * each shows of data this test made, that each wants the admin token, and that none shows a secret or a stroke.
 */
class ConsoleApiTest {
    /** Every console endpoint: GET unless it starts with "POST ". */
    static final List<String> ENDPOINTS = List.of("/api/admin/overview", "/api/admin/write-path",
            "/api/admin/conflicts", "/api/admin/accounts?q=a", "/api/admin/accounts/" + UUID.randomUUID(),
            "/api/admin/jobs", "POST /api/admin/accounts/" + UUID.randomUUID() + "/devices/" + UUID.randomUUID() + "/revoke");

    private final Api api = TestServer.api();

    private Api.Response admin(String path) {
        return api.get(path, TestServer.ADMIN_TOKEN);
    }

    @Test
    void everyConsoleEndpointAnswers401WithoutTheAdminTokenOrWithADeviceToken() {
        Api.Device device = api.newDevice();
        for (String endpoint : ENDPOINTS) {
            for (String token : new String[] {null, "wrong-token", device.token()}) {
                Api.Response response = endpoint.startsWith("POST ")
                        ? api.post(endpoint.substring(5), token, "{}") : api.get(endpoint, token);
                assertThat(response.status()).as("%s with %s", endpoint, token).isEqualTo(401);
                assertThat(response.code()).isEqualTo("unauthorized");
            }
        }
    }

    @Test
    void theOverviewShowsEachComponentUpTheVersionAndTheUptime() {
        JsonNode overview = admin("/api/admin/overview").body();

        assertThat(overview.get("status").stringValue()).isEqualTo("UP");
        assertThat(overview.get("components").properties()).extracting(e -> e.getKey(), e -> e.getValue().get("status").stringValue())
                .containsExactly(tuple("postgres", "UP"), tuple("kafka", "UP"), tuple("applier", "UP"));
        assertThat(overview.get("components").get("applier").get("detail").stringValue()).endsWith("consumers");
        assertThat(overview.get("version").stringValue()).isNotBlank();
        assertThat(overview.get("uptime_seconds").longValue()).isPositive();
        assertThat(overview.get("started_at").stringValue()).endsWith("Z");
    }

    @Test
    void theWritePathCountsThisMinutesDecisionsAndPushesAndListsEveryPartitionsLag() {
        Api.Device device = api.newDevice();
        ObjectNode[] books = new ObjectNode[20];
        for (int i = 0; i < books.length; i++) {
            books[i] = upsert("books", UUID.randomUUID(), 0, book("b" + i));
        }
        assertThat(api.push(device, books).status()).isEqualTo(200);

        JsonNode writePath = admin("/api/admin/write-path").body();

        JsonNode buckets = writePath.get("decisions").get("buckets");
        assertThat(buckets).hasSize(30);
        assertThat(writePath.get("decisions").get("bucket_seconds").longValue()).isEqualTo(30);
        long appliedLastMinute = buckets.get(29).get("applied").longValue() + buckets.get(28).get("applied").longValue();
        assertThat(appliedLastMinute).as("the 20 books just applied").isGreaterThanOrEqualTo(20);
        assertThat(buckets.get(29).get("per_second").doubleValue()).isGreaterThanOrEqualTo(0);
        JsonNode push = writePath.get("push");
        assertThat(push.get("pushes").longValue()).isPositive();
        assertThat(push.get("p50_ms").doubleValue()).isPositive();
        assertThat(push.get("p99_ms").doubleValue()).isGreaterThanOrEqualTo(push.get("p50_ms").doubleValue());
        assertThat(push.get("pending_share").doubleValue()).isBetween(0.0, 1.0);
        assertThat(writePath.get("live").get("streams_open").longValue()).isNotNegative();
        assertThat(writePath.get("live").get("pulls_held").longValue()).isNotNegative();
        assertThat(writePath.get("applier_lag")).extracting(l -> l.get("topic").stringValue())
                .contains("sync.changes.books", "sync.changes.events", "sync.changes.notes",
                        "sync.changes.schedule_drawings");
        assertThat(writePath.get("applier_lag")).allSatisfy(l -> assertThat(l.get("changes").longValue()).isNotNegative());
        assertThat(writePath.get("dead_letters").get("count").longValue()).isNotNegative();
        assertThat(writePath.get("dead_letters").get("last").size()).isLessThanOrEqualTo(5);
    }

    @Test
    void conflictsAndRejectionsShowByTableAndCodeAndTheirAccountAmongTheMostConflicted() {
        String name = "Conflicted " + UUID.randomUUID();
        Api.Device device = api.newDevice(name);
        // Updates of records that do not exist: each a conflict. Many, so that this account leads the list whatever
        // other tests of this server conflicted.
        ObjectNode[] ghosts = new ObjectNode[300];
        for (int i = 0; i < ghosts.length; i++) {
            ghosts[i] = upsert("books", UUID.randomUUID(), 3, book("ghost"));
        }
        api.push(device, ghosts);
        api.push(device, upsert("events", UUID.randomUUID(), 0, event(UUID.randomUUID(), "orphan")));

        JsonNode conflicts = admin("/api/admin/conflicts?hours=1").body();

        assertThat(conflicts.get("by_table_and_code")).extracting(r -> r.get("table").stringValue(),
                        r -> r.get("status").stringValue(), r -> r.get("code").stringValue())
                .contains(tuple("books", "conflict", "none"), tuple("events", "rejected", "missing_parent"));
        JsonNode books = find(conflicts.get("by_table_and_code"), "table", "books", "status", "conflict");
        assertThat(books.get("count").longValue()).isGreaterThanOrEqualTo(300);
        JsonNode mine = find(conflicts.get("accounts"), "account_id", device.accountId(), null, null);
        assertThat(mine).as("the account is among the most conflicted").isNotNull();
        assertThat(mine.get("name").stringValue()).isEqualTo(name);
        assertThat(mine.get("conflicts").longValue()).isEqualTo(300);
        assertThat(mine.get("rejected").longValue()).isEqualTo(1);
        assertThat(admin("/api/admin/conflicts?hours=0").status()).isEqualTo(400);
        assertThat(admin("/api/admin/conflicts?hours=x").code()).isEqualTo("invalid_request");
    }

    @Test
    void anAccountIsFoundByNameOrIdWithItsDevicesStatisticsAndDecisionsButNoSecretOrStroke() throws Exception {
        String name = "Clinic " + UUID.randomUUID();
        Api.Device phone = api.newDevice(name);
        Api.Device tablet = api.sibling(phone, "Ward tablet", "android");
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        assertThat(api.push(phone, upsert("books", bookId, 0, book("Clinic")),
                upsert("events", eventId, 0, event(bookId, "Check-up")),
                upsert("notes", UUID.randomUUID(), 0, note(eventId))).body().get("results"))
                .extracting(r -> r.get("status").stringValue()).containsOnly("applied");

        JsonNode byName = admin("/api/admin/accounts?q=" + name.substring(7, 20).toUpperCase()).body();
        JsonNode byId = admin("/api/admin/accounts?q=" + phone.accountId()).body();

        assertThat(byName.get("accounts")).extracting(a -> a.get("id").stringValue()).containsExactly(phone.accountId());
        assertThat(byId.get("accounts")).extracting(a -> a.get("name").stringValue()).containsExactly(name);
        assertThat(byId.get("accounts").get(0).get("devices").intValue()).isEqualTo(2);
        Api.Response detail = admin("/api/admin/accounts/" + phone.accountId());
        assertThat(detail.status()).isEqualTo(200);
        JsonNode account = detail.body();
        assertThat(account.get("devices")).extracting(d -> d.get("device_id").stringValue(), d -> d.get("name").stringValue(),
                        d -> d.get("platform").stringValue(), d -> d.get("active").booleanValue())
                .containsExactlyInAnyOrder(tuple(phone.deviceId(), "test device", "test", true),
                        tuple(tablet.deviceId(), "Ward tablet", "android", true));
        JsonNode tabletRow = find(account.get("devices"), "device_id", tablet.deviceId(), null, null);
        assertThat(tabletRow.get("changes_behind").longValue()).as("the phone's 3 records, never pulled").isEqualTo(3);
        assertThat(tabletRow.get("registered_at").stringValue()).endsWith("Z");
        assertThat(account.get("recent_decisions")).extracting(d -> d.get("table").stringValue(),
                        d -> d.get("status").stringValue(), d -> d.get("device_id").stringValue())
                .containsExactly(tuple("notes", "applied", phone.deviceId()), tuple("events", "applied", phone.deviceId()),
                        tuple("books", "applied", phone.deviceId()));
        await("the statistics fold the pushed decisions").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(admin("/api/admin/accounts/" + phone.accountId()).body().get("stats").get("totals")
                        .get("applied").longValue()).isEqualTo(3));

        String everything = detail.text() + byName.toString() + byId.toString();
        assertThat(everything).doesNotContain(phone.token(), tablet.token(), phone.enrollmentKey(), "strokes", "[[1,2,3]]");
        for (String secret : storedSecrets(TestServer.server().infrastructure().database(), phone.accountId())) {
            assertThat(everything).doesNotContain(secret);
        }
        assertThat(admin("/api/admin/accounts/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(admin("/api/admin/accounts?q=").status()).isEqualTo(400);
        assertThat(admin("/api/admin/accounts?q=no%20such%20account%20" + UUID.randomUUID()).body().get("accounts"))
                .isEmpty();
    }

    @Test
    void revokingADeviceMakesItsTokenRefusedAndRevokingAgainAnswersTheSame() {
        Api.Device device = api.newDevice();
        Api.Device other = api.sibling(device);
        assertThat(api.pullAll(device, null).records()).isEmpty();
        String path = "/api/admin/accounts/" + device.accountId() + "/devices/" + device.deviceId() + "/revoke";

        Api.Response revoked = api.post(path, TestServer.ADMIN_TOKEN, "");

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body().get("device_id").stringValue()).isEqualTo(device.deviceId());
        await("the gateway refuses the revoked token").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.post("/api/sync/pull", device.token(), "{\"cursor\":null}").status()).isEqualTo(401));
        assertThat(api.post("/api/sync/pull", other.token(), "{\"cursor\":null}").status()).isEqualTo(200);
        Api.Response again = api.post(path, TestServer.ADMIN_TOKEN, "");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("revoked_at")).isEqualTo(revoked.body().get("revoked_at"));
        assertThat(admin("/api/admin/accounts/" + device.accountId()).body().get("devices"))
                .extracting(d -> d.get("device_id").stringValue(), d -> d.get("active").booleanValue())
                .containsExactlyInAnyOrder(tuple(device.deviceId(), false), tuple(other.deviceId(), true));
        assertThat(api.post("/api/admin/accounts/" + UUID.randomUUID() + "/devices/" + device.deviceId() + "/revoke",
                TestServer.ADMIN_TOKEN, "").status()).isEqualTo(404);
    }

    @Test
    void anExportToAClientThatAcceptsCompressionHoldsEveryRecord() {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        assertThat(api.push(device, upsert("books", bookId, 0, book("Exported"))).body().get("results").get(0)
                .get("status").stringValue()).isEqualTo("applied");

        for (String coding : List.of("gzip", "zstd")) {
            // As a browser asks (the console's export button): the body is written after the handler returned.
            Api.Response export = api.send(api.request("/api/admin/accounts/" + device.accountId() + "/export",
                    TestServer.ADMIN_TOKEN).header("Accept-Encoding", coding).GET().build());

            assertThat(export.status()).isEqualTo(200);
            assertThat(export.text()).as(coding).contains("\"record_id\":\"" + bookId + "\"", "Exported");
        }
    }

    @Test
    void theWritePathsTimeRangeOfSyncLogCanBeReadThroughAnIndex() throws Exception {
        EmbeddedDatabase db = TestServer.server().infrastructure().database();
        StringBuilder plan = new StringBuilder();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             java.sql.Statement statement = connection.createStatement()) {
            // The test's sync_log is small enough for a scan to win; forbid it to see whether an index serves the range.
            statement.execute("SET enable_seqscan = off");
            try (ResultSet rows = statement.executeQuery("EXPLAIN SELECT count(*) FROM sync_log"
                    + " WHERE decided_at >= now() - interval '15 minutes' AND status <> 'applied'")) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
        }

        assertThat(plan.toString()).contains("sync_log_decided_at_brin");
    }

    @Test
    void jobsListsTheJobsUnderWay() {
        JsonNode jobs = admin("/api/admin/jobs").body();

        assertThat(jobs.get("jobs").isArray()).isTrue();
    }

    private static JsonNode find(JsonNode rows, String field, String value, String field2, String value2) {
        for (JsonNode row : rows) {
            if (row.get(field).stringValue().equals(value) && (field2 == null || row.get(field2).stringValue().equals(value2))) {
                return row;
            }
        }
        return null;
    }

    /** The account's enrollment key hash and its devices' token hashes, as hex and Base64, as they are stored. */
    static List<String> storedSecrets(EmbeddedDatabase db, String accountId) throws Exception {
        List<String> secrets = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             PreparedStatement select = connection.prepareStatement("SELECT token_hash FROM devices WHERE account_id = ?"
                     + " UNION ALL SELECT enrollment_key_hash FROM accounts WHERE id = ?")) {
            select.setObject(1, UUID.fromString(accountId));
            select.setObject(2, UUID.fromString(accountId));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    byte[] hash = rows.getBytes(1);
                    secrets.add(HexFormat.of().formatHex(hash));
                    secrets.add(Base64.getEncoder().encodeToString(hash));
                    secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
                }
            }
        }
        assertThat(secrets).as("each hash in three spellings").hasSizeGreaterThanOrEqualTo(6);
        return secrets;
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.note;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.JsonNode;

/** Guarantee 7: replaying sync_log rebuilds the live tables exactly; and the admin API around it. */
class ProjectorTest {
    private final Api api = TestServer.api();

    private Api.Response admin(String path, String json) {
        return api.post(path, TestServer.ADMIN_TOKEN, json);
    }

    private static Connection database() throws Exception {
        EmbeddedDatabase db = TestServer.server().infrastructure().database();
        return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
    }

    /** Creates, updates, deletes (with cascades), conflicts and rejections from several devices and accounts. */
    private void randomWorkload(long seed, int rounds) {
        Random random = new Random(seed);
        List<Api.Device> devices = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            Api.Device first = api.newDevice();
            devices.add(first);
            devices.add(api.sibling(first));
        }
        Map<String, Map<UUID, Long>> books = new HashMap<>();
        Map<String, Map<UUID, UUID>> events = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            Api.Device device = devices.get(random.nextInt(devices.size()));
            Map<UUID, Long> accountBooks = books.computeIfAbsent(device.accountId(), a -> new HashMap<>());
            Map<UUID, UUID> accountEvents = events.computeIfAbsent(device.accountId(), a -> new HashMap<>());
            List<UUID> bookIds = new ArrayList<>(accountBooks.keySet());
            int action = random.nextInt(10);
            if (action < 3 || bookIds.isEmpty()) {
                UUID id = UUID.randomUUID();
                api.push(device, upsert("books", id, 0, book("b" + round)));
                accountBooks.put(id, 1L);
            } else {
                UUID bookId = bookIds.get(random.nextInt(bookIds.size()));
                long version = accountBooks.get(bookId);
                switch (action) {
                    case 3, 4 -> {
                        JsonNode r = api.push(device, upsert("books", bookId, version, book("u" + round))).body()
                                .get("results").get(0);
                        if (r.get("status").stringValue().equals("applied")) {
                            accountBooks.put(bookId, r.get("version").longValue());
                        }
                    }
                    case 5 -> api.push(device, upsert("books", bookId, version + 5, book("conflict " + round)));
                    case 6 -> api.push(device, upsert("events", UUID.randomUUID(), 0, event(UUID.randomUUID(), "orphan")));
                    case 7 -> {
                        UUID eventId = UUID.randomUUID();
                        api.push(device, upsert("events", eventId, 0, event(bookId, "e" + round)),
                                upsert("notes", UUID.randomUUID(), 0, note(eventId)));
                        accountEvents.put(eventId, bookId);
                    }
                    case 8 -> {
                        JsonNode r = api.push(device, Api.delete("books", bookId, version)).body().get("results").get(0);
                        if (r.get("status").stringValue().equals("applied")) {
                            accountBooks.put(bookId, r.get("version").longValue());
                        }
                    }
                    default -> {
                        JsonNode r = api.push(device, upsert("books", bookId, version, book("back " + round))).body()
                                .get("results").get(0);
                        if (r.get("status").stringValue().equals("applied")) {
                            accountBooks.put(bookId, r.get("version").longValue());
                        }
                    }
                }
            }
        }
    }

    @Test
    void replayingTheAuditTrailRebuildsEveryTableExactly() {
        randomWorkload(42, 150);

        Api.Response verify = admin("/api/admin/verify", "{\"source\":\"sync_log\"}");

        assertThat(verify.status()).as(verify.text()).isEqualTo(200);
        assertThat(verify.body().get("equal").booleanValue()).as(verify.text()).isTrue();
        assertThat(verify.body().get("changes_replayed").longValue()).isPositive();
        for (String table : List.of("books", "events", "notes", "schedule_drawings")) {
            JsonNode t = verify.body().get("tables").get(table);
            assertThat(t.get("mismatches").longValue()).isZero();
            assertThat(t.get("rebuilt").longValue()).isEqualTo(t.get("live").longValue());
        }
        assertThat(verify.body().get("tables").get("books").get("live").longValue()).isPositive();
        Api.Response kafka = admin("/api/admin/verify", "{\"source\":\"kafka\"}");
        assertThat(kafka.status()).as(kafka.text()).isEqualTo(200);
        assertThat(kafka.body().get("equal").booleanValue()).as(kafka.text()).isTrue();
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
                Api.Response verify = admin("/api/admin/verify", "{}");

                assertThat(verify.body().get("equal").booleanValue()).isFalse();
                JsonNode books = verify.body().get("tables").get("books");
                assertThat(books.get("mismatches").longValue()).isEqualTo(1);
                assertThat(books.get("examples").get(0).get("record_id").stringValue()).isEqualTo(bookId.toString());
                assertThat(books.get("examples").get(0).get("columns").stringValue()).isEqualTo("name");
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
        try (Connection db = database(); PreparedStatement ps = db.prepareStatement(
                "SELECT id, version, name FROM forensics_test.books WHERE account_id = ? AND NOT is_deleted")) {
            ps.setObject(1, UUID.fromString(device.accountId()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rebuilt.put(rs.getString(1), rs.getLong(2) + ":" + rs.getString(3));
                }
            }
            db.createStatement().execute("DROP SCHEMA forensics_test CASCADE");
        }
        assertThat(rebuilt).isEqualTo(then);
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

    @Test
    void theAdminApiNeedsTheAdminToken() {
        assertThat(api.post("/api/admin/verify", null, "{}").code()).isEqualTo("unauthorized");
        assertThat(api.post("/api/admin/verify", "not-the-token", "{}").status()).isEqualTo(401);
        assertThat(api.post("/api/admin/verify", api.newDevice().token(), "{}").status()).isEqualTo(401);
        assertThat(api.send(api.request("/api/admin/accounts/" + UUID.randomUUID() + "/export", null).GET().build())
                .status()).isEqualTo(401);
        assertThat(admin("/api/admin/rebuild", "{\"position\":1,\"schema\":\"public\"}").code()).isEqualTo("invalid_request");
        assertThat(admin("/api/admin/verify", "{\"source\":\"elsewhere\"}").code()).isEqualTo("invalid_request");
    }
}

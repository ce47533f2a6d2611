package io.syncd.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.Account;
import io.syncd.client.LossyProxy;
import io.syncd.client.ServerProcess;
import io.syncd.client.SyncClient;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;

/** The command line's contract, through the jar: JSON on stdout, messages on stderr, exit codes 0 to 3 (4: SyncCliTest). */
class CliIT {
    private final ServerProcess server = ServerProcess.shared();
    @TempDir
    Path dir;

    private static List<String> fields(JsonNode json) {
        return List.copyOf(json.propertyNames());
    }

    private JsonNode newAccount() {
        JsonNode account = Cli.run(null, "--db", dir.resolve("unused.db").toString(), "create-account",
                "--server", server.uri().toString(), "--name", "Alice").succeeded().json();
        assertThat(fields(account)).containsExactly("account_id", "enrollment_key");
        return account;
    }

    private Path registered(String name, JsonNode account) {
        Path db = dir.resolve(name + ".db");
        JsonNode device = Cli.run(db, "register", "--server", server.uri().toString(), "--enrollment-key",
                account.get("enrollment_key").stringValue(), "--device-name", name, "--platform", "cli").succeeded().json();
        assertThat(fields(device)).containsExactly("device_id", "account_id");
        assertThat(device.get("account_id")).isEqualTo(account.get("account_id"));
        return db;
    }

    /** Arranges a registered store through the SDK in this JVM (faster than the jar), for tests of other commands. */
    private Path registeredBySdk(String name, Account account, URI via) {
        Path db = dir.resolve(name + ".db");
        try (SyncClient client = SyncClient.open(db)) {
            client.register(via, account.enrollmentKey(), name, "test");
        }
        return db;
    }

    @Test
    void twoStoresCreateEditDeleteAndSyncThroughTheCommandLine() {
        JsonNode account = newAccount();
        Path phone = registered("phone", account);
        Path tablet = registered("tablet", account);
        String bookId = Cli.run(phone, "new-id").succeeded().json().get("id").stringValue();
        assertThat(UUID.fromString(bookId).version()).as("a time-ordered id").isEqualTo(7);

        JsonNode put = Cli.run(phone, "put", "books", bookId, "{\"name\":\"Clinic A\"}").succeeded().json();
        assertThat(fields(put)).containsExactly("table", "record_id", "version", "is_deleted", "is_dirty", "data");
        assertThat(put.get("is_dirty").booleanValue()).isTrue();
        assertThat(put.get("data").get("archived").booleanValue()).isFalse();
        JsonNode status = Cli.run(phone, "status").succeeded().json();
        assertThat(fields(status)).containsExactly("device_id", "account_id", "server", "dirty", "outbox", "conflicts",
                "rejections", "last_sync_at", "books_pending_removal");
        assertThat(status.get("dirty").intValue()).isEqualTo(1);
        assertThat(status.get("outbox").intValue()).isEqualTo(1);
        assertThat(status.get("account_id")).isEqualTo(account.get("account_id"));
        assertThat(status.get("last_sync_at").isNull()).isTrue();
        assertThat(status.get("server").stringValue()).isEqualTo(server.uri().toString());

        JsonNode sync = Cli.run(phone, "sync").succeeded().json();
        assertThat(fields(sync)).containsExactly("pushed", "applied", "conflicts", "rejected", "pending", "pulled");
        assertThat(sync.get("pushed").intValue()).isEqualTo(1);
        assertThat(sync.get("applied").intValue()).isEqualTo(1);
        assertThat(Cli.run(tablet, "sync").succeeded().json().get("pulled").intValue()).isEqualTo(1);

        JsonNode onTablet = Cli.run(tablet, "get", "books", bookId).succeeded().json();
        assertThat(onTablet.get("version").longValue()).isEqualTo(1);
        assertThat(onTablet.get("is_dirty").booleanValue()).isFalse();
        assertThat(onTablet.get("data").get("name").stringValue()).isEqualTo("Clinic A");
        assertThat(Cli.run(tablet, "list", "books").succeeded().json()).hasSize(1);

        JsonNode deleted = Cli.run(tablet, "delete", "books", bookId).succeeded().json();
        assertThat(deleted.get("is_deleted").booleanValue()).isTrue();
        Cli.run(tablet, "sync").succeeded();
        Cli.run(phone, "sync").succeeded();

        assertThat(Cli.run(phone, "list", "books").succeeded().json()).isEmpty();
        JsonNode tombstone = Cli.run(phone, "get", "books", bookId).succeeded().json();
        assertThat(tombstone.get("is_deleted").booleanValue()).isTrue();
        assertThat(tombstone.get("version").longValue()).isEqualTo(2);
        assertThat(tombstone.get("data").isNull()).isTrue();
        JsonNode synced = Cli.run(phone, "status").succeeded().json();
        assertThat(synced.get("dirty").intValue()).isZero();
        assertThat(synced.get("last_sync_at").isString()).isTrue();
    }

    @Test
    void conflictsAreListedAndEachResolutionWorksFromTheCommandLine() {
        Account account = SyncClient.createAccount(server.uri(), "Alice");
        Path phone = registeredBySdk("phone", account, server.uri());
        Path tablet = registeredBySdk("tablet", account, server.uri());
        // Arranged through the SDK: three books edited on both stores, three conflicts on the tablet.
        List<String> books = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
        try (SyncClient phoneSdk = SyncClient.open(phone); SyncClient tabletSdk = SyncClient.open(tablet)) {
            for (String id : books) {
                phoneSdk.put("books", id, Json.MAPPER.createObjectNode().put("name", "original"));
            }
            phoneSdk.syncAll();
            tabletSdk.syncAll();
            for (int i = 0; i < books.size(); i++) {
                phoneSdk.put("books", books.get(i), Json.MAPPER.createObjectNode().put("name", "phone edit " + i));
                tabletSdk.put("books", books.get(i), Json.MAPPER.createObjectNode().put("name", "tablet edit " + i));
            }
            phoneSdk.syncAll();
            assertThat(tabletSdk.syncAll().conflicts()).isEqualTo(3);
        }

        JsonNode conflicts = Cli.run(tablet, "conflicts").succeeded().json();
        assertThat(conflicts).hasSize(3);
        assertThat(Cli.run(tablet, "status").succeeded().json().get("conflicts").intValue()).isEqualTo(3);
        String[][] resolutions = {{"use_local"}, {"merge", "{\"name\":\"merged\",\"archived\":true}"}, {"use_server"}};
        String[] expected = {"tablet edit 0", "merged", "phone edit 2"};
        for (JsonNode conflict : conflicts) {
            assertThat(fields(conflict)).containsExactly("change_id", "table", "record_id", "local_data", "server_record");
            int i = books.indexOf(conflict.get("record_id").stringValue());
            assertThat(conflict.get("local_data").get("name").stringValue()).isEqualTo("tablet edit " + i);
            assertThat(conflict.get("server_record").get("data").get("name").stringValue()).isEqualTo("phone edit " + i);

            String[] args = new String[2 + resolutions[i].length];
            args[0] = "resolve";
            args[1] = conflict.get("change_id").stringValue();
            System.arraycopy(resolutions[i], 0, args, 2, resolutions[i].length);
            JsonNode result = Cli.run(tablet, args).succeeded().json();
            assertThat(result.get("status").stringValue()).isEqualTo("applied");
            assertThat(result.get("change_id").stringValue()).isNotEqualTo(args[1]);
            assertThat(fields(result)).as("the server's result shape").containsExactlyElementsOf(
                    resolutions[i][0].equals("use_server")
                            ? List.of("change_id", "status", "table", "record_id", "version", "server_record")
                            : List.of("change_id", "status", "table", "record_id", "version"));
        }

        assertThat(Cli.run(tablet, "conflicts").succeeded().json()).isEmpty();
        Cli.run(phone, "sync").succeeded();
        for (Path device : List.of(phone, tablet)) {
            JsonNode list = Cli.run(device, "list", "books").succeeded().json();
            assertThat(list).hasSize(3);
            for (JsonNode book : list) {
                int i = books.indexOf(book.get("record_id").stringValue());
                assertThat(book.get("data").get("name").stringValue()).isEqualTo(expected[i]);
                assertThat(book.get("is_dirty").booleanValue()).isFalse();
            }
        }
    }

    @Test
    void errorsExitWithOneOrThreeAndSayWhyOnStderr() {
        Path phone = registeredBySdk("phone", SyncClient.createAccount(server.uri(), "Alice"), server.uri());
        String unknown = UUID.randomUUID().toString();

        Cli.Run notFound = Cli.run(phone, "get", "books", unknown);
        assertThat(notFound.exit()).isEqualTo(3);
        assertThat(notFound.out()).isEmpty();
        assertThat(notFound.err()).contains("not found");
        assertThat(Cli.run(phone, "delete", "events", unknown).exit()).isEqualTo(3);
        assertThat(Cli.run(phone, "resolve", unknown, "use_server").exit()).isEqualTo(3);

        Cli.Run invalid = Cli.run(phone, "put", "books", unknown, "{\"name\":\"\"}");
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains("data.name: must not be blank");
        assertThat(invalid.out()).isEmpty();
        assertThat(Cli.run(phone, "put", "books", unknown, "{not json").exit()).isEqualTo(1);
        assertThat(Cli.run(phone, "put", "shelves", unknown, "{}").err()).contains("table: must be one of");
        assertThat(Cli.run(phone, "resolve", unknown, "keep_both").exit()).isEqualTo(1);
        assertThat(Cli.run(phone, "frobnicate").exit()).isEqualTo(1);
        assertThat(Cli.run(null, "list", "books").exit()).as("--db is required").isEqualTo(1);
        Cli.Run missing = Cli.run(dir.resolve("fresh.db"), "sync");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no syncd store at").contains("register creates a store");
        assertThat(dir.resolve("fresh.db")).doesNotExist();
        SyncClient.open(dir.resolve("fresh.db")).close();
        Cli.Run unregistered = Cli.run(dir.resolve("fresh.db"), "sync");
        assertThat(unregistered.exit()).isEqualTo(1);
        assertThat(unregistered.err()).contains("not registered");
        assertThat(Cli.run(phone, "status").succeeded().json().get("dirty").intValue()).isZero();
    }

    @Test
    void aDeviceRevokedFromAnotherIsListedInactiveAndItsSyncSaysToRegisterAgain() {
        JsonNode account = newAccount();
        Path phone = registered("phone", account);
        Path tablet = registered("tablet", account);
        String tabletId = Cli.run(tablet, "status").succeeded().json().get("device_id").stringValue();
        Cli.run(tablet, "put", "books", UUID.randomUUID().toString(), "{\"name\":\"unsent\"}").succeeded();

        JsonNode devices = Cli.run(phone, "devices", "list").succeeded().json();
        assertThat(devices).hasSize(2).allSatisfy(device -> assertThat(device.get("is_active").booleanValue()).isTrue());
        JsonNode revoked = Cli.run(phone, "devices", "revoke", tabletId).succeeded().json();
        assertThat(revoked.get("device_id").stringValue()).isEqualTo(tabletId);

        Cli.Run sync = Cli.run(tablet, "sync");
        assertThat(sync.exit()).isEqualTo(1);
        assertThat(sync.err()).contains("401").contains("the device was revoked")
                .contains("Register again with a new store");
        assertThat(Cli.run(tablet, "status").succeeded().json().get("outbox").intValue()).as("kept").isEqualTo(1);
        JsonNode after = Cli.run(phone, "devices", "list").succeeded().json();
        for (JsonNode device : after) {
            boolean isTablet = device.get("device_id").stringValue().equals(tabletId);
            assertThat(device.get("is_active").booleanValue()).isEqualTo(!isTablet);
            assertThat(device.get("this_device").booleanValue()).isEqualTo(!isTablet);
        }
        assertThat(Cli.run(phone, "devices", "revoke", tabletId).exit()).as("no active device of that id").isEqualTo(3);
    }

    @Test
    void withTheServerUnreachableSyncExitsTwoLosesNothingAndTheNextSyncSucceeds() throws IOException {
        LossyProxy network = new LossyProxy(server.uri());
        int port = network.uri().getPort();
        Path phone = registeredBySdk("phone", SyncClient.createAccount(server.uri(), "Alice"), network.uri());
        String bookId = UUID.randomUUID().toString();
        Cli.run(phone, "put", "books", bookId, "{\"name\":\"written offline\"}").succeeded();

        network.close();
        Cli.Run down = Cli.run(phone, "sync");

        assertThat(down.exit()).isEqualTo(2);
        assertThat(down.out()).isEmpty();
        assertThat(down.err()).contains("server unreachable").contains("nothing is lost");
        assertThat(Cli.run(phone, "status").succeeded().json().get("dirty").intValue()).isEqualTo(1);
        assertThat(Files.exists(phone)).isTrue();

        try (LossyProxy back = new LossyProxy(server.uri(), port)) {
            JsonNode sync = Cli.run(phone, "sync").succeeded().json();
            assertThat(sync.get("applied").intValue()).isEqualTo(1);
            assertThat(back.pushesForwarded()).isEqualTo(1);
        }
        assertThat(Cli.run(phone, "get", "books", bookId).succeeded().json().get("is_dirty").booleanValue()).isFalse();
    }

    private static List<String> recordIds(Cli.Run list) {
        List<String> ids = new java.util.ArrayList<>();
        list.succeeded().json().forEach(record -> ids.add(record.get("record_id").stringValue()));
        return ids;
    }

    @Test
    void booksCommandsChooseTheBooksThatSyncBringsAndRefuseABadIdChangingNothing() {
        Account account = SyncClient.createAccount(server.uri(), "Books");
        String a = SyncClient.newRecordId();
        String b = SyncClient.newRecordId();
        String eventA = SyncClient.newRecordId();
        String eventB = SyncClient.newRecordId();
        try (SyncClient phone = SyncClient.open(registeredBySdk("phone", account, server.uri()))) {
            phone.put("books", a, Json.MAPPER.createObjectNode().put("name", "A"));
            phone.put("books", b, Json.MAPPER.createObjectNode().put("name", "B"));
            for (String[] e : new String[][] {{eventA, a}, {eventB, b}}) {
                phone.put("events", e[0], Json.MAPPER.createObjectNode().put("book_id", e[1]).put("name", "event")
                        .put("start_time", "2026-11-24T09:00:00Z"));
            }
            phone.syncAll();
        }
        Path tablet = registeredBySdk("tablet", account, server.uri());

        JsonNode subscribed = Cli.run(tablet, "books", "subscribe", a).succeeded().json();
        assertThat(subscribed.toString()).isEqualTo("{\"every_book\":false,\"books\":[\"" + a + "\"]}");
        Cli.run(tablet, "sync").succeeded();
        assertThat(recordIds(Cli.run(tablet, "list", "events"))).containsExactly(eventA);
        JsonNode books = Cli.run(tablet, "books", "list").succeeded().json();
        assertThat(books).extracting(book -> book.get("book_id").stringValue(), book -> book.get("subscribed")
                .booleanValue()).containsExactlyInAnyOrder(tuple(a, true), tuple(b, false));
        assertThat(fields(books.get(0))).containsExactly("book_id", "name", "subscribed", "pending_removal");

        Cli.Run bad = Cli.run(tablet, "books", "subscribe", b, "not-a-book");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("not a book id (a UUID): not-a-book").contains("Usage:");
        assertThat(Cli.run(tablet, "books", "unsubscribe").exit()).as("no id").isEqualTo(1);
        assertThat(Cli.run(tablet, "books", "list").succeeded().json()).as("nothing changed")
                .filteredOn(book -> book.get("subscribed").booleanValue()).extracting(book -> book.get("book_id")
                        .stringValue()).containsExactly(a);

        Cli.run(tablet, "books", "subscribe", b).succeeded();
        Cli.run(tablet, "books", "unsubscribe", a).succeeded();
        Cli.run(tablet, "sync").succeeded();
        assertThat(recordIds(Cli.run(tablet, "list", "events"))).containsExactly(eventB);

        JsonNode all = Cli.run(tablet, "books", "all").succeeded().json();
        assertThat(all.toString()).isEqualTo("{\"every_book\":true,\"books\":null}");
        Cli.run(tablet, "sync").succeeded();
        assertThat(Cli.run(tablet, "list", "events").succeeded().json()).hasSize(2);
        Cli.Run list = Cli.run(tablet, "books", "list").succeeded();
        assertThat(list.json()).allSatisfy(book -> assertThat(book.get("subscribed").booleanValue()).isTrue());
        assertThat(list.err()).contains("every book");
    }
}

package io.syncd.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.FolderSnapshot;
import io.syncd.client.StubServer;
import io.syncd.client.SyncClient;
import io.syncd.common.Json;
import io.syncd.common.Field;
import io.syncd.common.FieldType;
import io.syncd.common.SyncTable;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The command line in this JVM (no server, or a scripted one): its store files, help, usage and exit codes. */
class SyncCliTest {
    @TempDir
    Path dir;

    /** What one command did. */
    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SyncCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private Run cli(Path db, String... args) {
        List<String> all = new ArrayList<>(List.of("--db", db.toString()));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    @Test
    void commandsOnAMissingStoreFailAndCreateNothingOnlyRegisterCreatesOne() {
        Path typo = dir.resolve("phnoe.db");
        String id = UUID.randomUUID().toString();
        List<String[]> commands = List.of(new String[] {"status"}, new String[] {"list", "books"},
                new String[] {"get", "books", id}, new String[] {"conflicts"}, new String[] {"rejections"},
                new String[] {"put", "books", id, "{\"name\":\"x\"}"}, new String[] {"delete", "books", id},
                new String[] {"sync"}, new String[] {"resolve", id, "use_server"});

        for (String[] command : commands) {
            Run run = cli(typo, command);
            assertThat(run.exit()).as("exit of %s", command[0]).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).as("stderr of %s", command[0])
                    .contains("there is no syncd store at " + typo).contains("register creates a store");
        }
        assertThat(FolderSnapshot.of(dir)).as("no store, no side file").isEmpty();
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedWithExitOneAndLeftAsItWas() throws Exception {
        Path other = dir.resolve("otherapp.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + other);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)");
        }
        List<String> before = FolderSnapshot.of(dir);

        for (String[] command : List.of(new String[] {"status"}, new String[] {"list", "books"},
                new String[] {"register", "--server", "http://127.0.0.1:9", "--enrollment-key", "K",
                        "--device-name", "phone"})) {
            Run run = cli(other, command);
            assertThat(run.exit()).as("exit of %s", command[0]).isEqualTo(1);
            assertThat(run.err()).contains(other + " is not a syncd store: it is an SQLite database with other tables"
                    + " (contacts); the file was left as it was");
        }
        assertThat(FolderSnapshot.of(dir)).isEqualTo(before);
    }

    @Test
    void aStoreMadeByTheSdkOpensForEveryCommand() {
        Path phone = dir.resolve("phone.db");
        SyncClient.open(phone).close();

        Run list = cli(phone, "list", "books");

        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().strip()).isEqualTo("[]");
        assertThat(Files.exists(phone)).isTrue();
    }

    // ---- the command line explains itself ----

    /** Every command of the tree, as its words on the command line: {@code put}, {@code devices revoke}, … */
    private static List<List<String>> commands(CommandLine command, List<String> words) {
        List<List<String>> all = new ArrayList<>();
        for (var sub : command.getSubcommands().entrySet()) {
            List<String> path = new ArrayList<>(words);
            path.add(sub.getKey());
            all.add(path);
            all.addAll(commands(sub.getValue(), path));
        }
        return all;
    }

    @Test
    void everyCommandHasHelpDescribingEachOfItsParametersAndOptions() {
        CommandLine tree = SyncCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<List<String>> commands = commands(tree, List.of());
        assertThat(commands).extracting(words -> String.join(" ", words)).contains("create-account", "register",
                "new-id", "put", "delete", "get", "list", "sync", "conflicts", "rejections", "resolve", "status",
                "devices", "devices list", "devices revoke", "help");

        for (List<String> words : commands) {
            List<String> args = new ArrayList<>(words);
            args.add("--help");
            Run help = cli(args.toArray(String[]::new));
            String name = String.join(" ", words);
            assertThat(help.exit()).as("exit of %s --help; stderr %s", name, help.err()).isZero();
            assertThat(help.out()).as("help of %s", name).contains("Usage: sync-cli " + name + " ");

            CommandLine.Model.CommandSpec spec = tree.getCommandSpec();
            for (String word : words) {
                spec = spec.subcommands().get(word).getCommandSpec();
            }
            assertThat(spec.usageMessage().description()).as("description of %s", name).isNotEmpty();
            for (CommandLine.Model.ArgSpec arg : spec.args()) {
                assertThat(String.join(" ", arg.description())).as("description of %s in %s", arg.paramLabel(), name)
                        .isNotBlank();
            }
        }
    }

    @Test
    void tableListsTheTablesJsonTheFieldsOfEachTableAndMergeTakesTheWholeRecord() {
        String put = cli("put", "--help").out();

        assertThat(put).contains("TABLE       one of: books, events, notes, schedule_drawings");
        assertThat(put).contains("JSON        the record's whole data");
        for (SyncTable table : SyncTable.values()) {
            assertThat(put).contains("\n  " + table.wireName() + "\n");
            for (Field field : table.fields()) {
                String name = field.type() == FieldType.INK ? Field.STROKES_JSON : field.name(); // put takes JSON
                assertThat(put).containsPattern("\n    " + name + (field.required() ? "\\*" : " ") + " +\\S");
            }
        }
        assertThat(put).contains("start_time*      timestamp, RFC 3339").contains("view_mode*       integer, 0 to 2")
                .contains("strokes*         JSON array (handwriting strokes; or strokes_ink:");
        String resolve = cli("resolve", "--help").out();
        assertThat(resolve.replaceAll("\\s+", " ")).contains("[JSON] merge only: the whole record as merged, every"
                + " field as for put (not a patch)");
        assertThat(resolve).contains("    name*            text, not blank, up to 200 characters");
    }

    @Test
    void theHelpCommandPrintsACommandsUsageLikeItsHelpOption() {
        Run help = cli("help", "put");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).isEqualTo(cli("put", "--help").out());
        assertThat(cli("help").out()).startsWith("Usage: sync-cli ").contains("Commands:").contains("devices")
                .contains("Exit codes:");
    }

    @Test
    void aWrongArgumentPrintsThatCommandsUsageNotTheWholeTree() {
        Path phone = dir.resolve("phone.db");
        SyncClient.open(phone).close();

        Run missing = cli(phone, "get", "books");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: Missing required parameter: 'RECORD_ID'")
                .contains("Usage: sync-cli get ").doesNotContain("Commands:").doesNotContain("create-account");

        Run badResolution = cli(phone, "resolve", UUID.randomUUID().toString(), "keep_both");
        assertThat(badResolution.exit()).isEqualTo(1);
        assertThat(badResolution.err()).contains("resolution must be use_server, use_local or merge, got keep_both")
                .contains("Usage: sync-cli resolve ").doesNotContain("Commands:");

        Run badId = cli(phone, "devices", "revoke", "not-a-uuid");
        assertThat(badId.exit()).isEqualTo(1);
        assertThat(badId.err()).contains("DEVICE_ID").contains("Usage: sync-cli devices revoke ")
                .doesNotContain("Commands:");

        Run noDb = cli("list", "books");
        assertThat(noDb.exit()).isEqualTo(1);
        assertThat(noDb.err()).startsWith("error: Missing required option: '--db=FILE'")
                .contains("Usage: sync-cli list ").doesNotContain("Commands:");
        assertThat(FolderSnapshot.of(dir)).hasSize(1);
    }

    // ---- status, sync's outcome, revoked devices, the account's devices (a scripted server) ----

    /** A store registered with the stub server, as the SDK makes one. */
    private Path registeredWith(StubServer server) {
        Path db = dir.resolve("phone.db");
        try (SyncClient client = SyncClient.open(db)) {
            client.register(server.uri(), "KEY", "phone", "test");
        }
        return db;
    }

    private static List<String> fields(JsonNode json) {
        return List.copyOf(json.propertyNames());
    }

    @Test
    void putTakesJsonStrokesAndGetPrintsThemAsJsonWhileTheStoreKeepsInk() {
        try (StubServer server = new StubServer()) {
            Path phone = registeredWith(server);
            String noteId = UUID.randomUUID().toString();
            String strokes = "[[[1.5,2.25,0.1,1000],[12,-3,0.731,1016]],[]]";

            Run put = cli(phone, "put", "notes", noteId, "{\"event_id\":\"" + UUID.randomUUID() + "\",\"strokes\":"
                    + strokes + "}");
            Run get = cli(phone, "get", "notes", noteId);

            assertThat(put.exit()).as(put.err()).isZero();
            assertThat(get.exit()).as(get.err()).isZero();
            for (Run printed : List.of(put, get)) {
                JsonNode data = Json.MAPPER.readTree(printed.out()).get("data");
                assertThat(data.has("strokes_ink")).isFalse();
                assertThat(data.get("strokes").toString()).isEqualTo(strokes);
            }
        }
    }

    @Test
    void statusShowsTheAccountTheOutboxAndTheRejectionsAsSyncStatusHasThem() {
        try (StubServer server = new StubServer()) {
            Path phone = registeredWith(server);
            cli(phone, "put", "books", UUID.randomUUID().toString(), "{\"name\":\"A\"}");
            cli(phone, "put", "books", UUID.randomUUID().toString(), "{\"name\":\"B\"}");

            Run status = cli(phone, "status");

            assertThat(status.exit()).as(status.err()).isZero();
            JsonNode json = Json.MAPPER.readTree(status.out());
            assertThat(fields(json)).containsExactly("device_id", "account_id", "server", "dirty", "outbox",
                    "conflicts", "rejections", "last_sync_at", "books_pending_removal");
            assertThat(json.get("device_id").asString()).isEqualTo(StubServer.DEVICE_ID);
            assertThat(json.get("account_id").asString()).isEqualTo(StubServer.ACCOUNT_ID);
            assertThat(json.get("server").asString()).isEqualTo(server.uri().toString());
            assertThat(json.get("outbox").intValue()).isEqualTo(2);
            assertThat(json.get("rejections").intValue()).isZero();
        }
    }

    @Test
    void aSyncThatLeavesConflictsOrRejectionsSaysSoOnStderrAndExitsFour() {
        try (StubServer server = new StubServer()) {
            Path phone = registeredWith(server);
            String conflicted = UUID.randomUUID().toString();
            String rejected = UUID.randomUUID().toString();
            cli(phone, "put", "books", conflicted, "{\"name\":\"mine\"}");
            cli(phone, "put", "events", rejected, "{\"book_id\":\"" + UUID.randomUUID()
                    + "\",\"name\":\"orphan\",\"start_time\":\"2026-11-24T09:00:00Z\"}");
            server.on("POST /api/sync/push", push -> {
                ObjectNode answer = Json.MAPPER.createObjectNode();
                ArrayNode results = answer.putArray("results");
                for (JsonNode change : push.get("changes")) {
                    ObjectNode result = results.addObject().put("change_id", change.get("change_id").asString())
                            .put("table", change.get("table").asString())
                            .put("record_id", change.get("record_id").asString());
                    if (change.get("table").asString().equals("books")) {
                        result.put("status", "conflict").set("server_record", StubServer.record("books", conflicted,
                                3, Json.MAPPER.createObjectNode().put("name", "theirs").put("archived", false)));
                    } else {
                        result.put("status", "rejected").putObject("error").put("code", "missing_parent")
                                .put("message", "no such book");
                    }
                }
                return StubServer.Answer.ok(answer);
            });
            server.on("POST /api/sync/pull", pull -> StubServer.page("c1", false));

            Run sync = cli(phone, "sync");

            assertThat(sync.exit()).isEqualTo(4);
            assertThat(Json.MAPPER.readTree(sync.out()).get("conflicts").intValue()).isEqualTo(1);
            assertThat(sync.err()).contains("1 conflict(s) and 1 rejection(s) are open")
                    .contains("conflicts and rejections, settle each with resolve");
            server.on("POST /api/sync/push", StubServer::applyAll);
            Run again = cli(phone, "sync");
            assertThat(again.exit()).as("the issues are still open after a sync with nothing to send").isEqualTo(4);
            assertThat(cli(phone, "help").out()).contains("4   sync done, but conflicts or rejections are open");
        }
    }

    @Test
    void aSyncThatLeavesNothingOpenExitsZero() {
        try (StubServer server = new StubServer()) {
            Path phone = registeredWith(server);
            cli(phone, "put", "books", UUID.randomUUID().toString(), "{\"name\":\"A\"}");
            server.on("POST /api/sync/push", StubServer::applyAll);
            server.on("POST /api/sync/pull", pull -> StubServer.page("c1", false));

            Run sync = cli(phone, "sync");

            assertThat(sync.exit()).as(sync.err()).isZero();
            assertThat(sync.err()).isEmpty();
        }
    }

    @Test
    void aRefusedDeviceTokenSaysTheDeviceWasRevokedAndToRegisterAgain() {
        try (StubServer server = new StubServer()) {
            Path phone = registeredWith(server);
            server.on("POST /api/sync/pull", pull -> StubServer.Answer.problem(401, "unauthorized", "invalid token"));
            server.on("POST /api/sync/push", push -> StubServer.Answer.problem(401, "unauthorized", "invalid token"));
            cli(phone, "put", "books", UUID.randomUUID().toString(), "{\"name\":\"A\"}");

            Run sync = cli(phone, "sync");

            assertThat(sync.exit()).isEqualTo(1);
            assertThat(sync.err()).contains("HTTP 401 unauthorized")
                    .contains("the device was revoked").contains("Register again with a new store: sync-cli --db"
                            + " NEW_FILE register");
            assertThat(cli(phone, "status").out()).contains("\"outbox\":1");

            server.on("POST /api/accounts", body -> StubServer.Answer.problem(401, "unauthorized", "admin only"));
            Run signup = cli("create-account", "--server", server.uri().toString(), "--name", "Alice");
            assertThat(signup.exit()).isEqualTo(1);
            assertThat(signup.err()).contains("the server's signup needs its admin token: --admin-token TOKEN")
                    .doesNotContain("revoked");
        }
    }

    @Test
    void devicesListsTheAccountsDevicesAndRevokeRevokesOne() {
        try (StubServer server = new StubServer()) {
            Path phone = registeredWith(server);
            String tablet = UUID.randomUUID().toString();
            ObjectNode answer = Json.MAPPER.createObjectNode();
            answer.putArray("devices")
                    .add(Json.MAPPER.createObjectNode().put("device_id", StubServer.DEVICE_ID)
                            .put("account_id", StubServer.ACCOUNT_ID).put("device_name", "phone").put("platform", "test")
                            .put("registered_at", "2026-11-24T09:00:00Z").put("last_sync_at", "2026-11-25T09:00:00Z")
                            .put("is_active", true))
                    .add(Json.MAPPER.createObjectNode().put("device_id", tablet).put("account_id", StubServer.ACCOUNT_ID)
                            .put("device_name", "tablet").putNull("platform").put("registered_at", "2026-11-24T10:00:00Z")
                            .putNull("last_sync_at").put("is_active", false));
            server.on("GET /api/devices", body -> StubServer.Answer.ok(answer));
            server.on("DELETE /api/devices/" + tablet, body -> new StubServer.Answer(204, null));

            Run list = cli(phone, "devices", "list");

            assertThat(list.exit()).as(list.err()).isZero();
            JsonNode devices = Json.MAPPER.readTree(list.out());
            assertThat(devices).hasSize(2);
            assertThat(fields(devices.get(0))).containsExactly("device_id", "account_id", "device_name", "platform",
                    "registered_at", "last_sync_at", "is_active", "this_device");
            assertThat(devices.get(0).get("this_device").booleanValue()).isTrue();
            assertThat(devices.get(1).get("this_device").booleanValue()).isFalse();
            assertThat(devices.get(1).get("is_active").booleanValue()).isFalse();
            assertThat(devices.get(1).get("last_sync_at").isNull()).isTrue();
            assertThat(server.requests("GET", "/api/devices")).singleElement()
                    .satisfies(request -> assertThat(request.token()).isEqualTo(StubServer.TOKEN));

            Run revoke = cli(phone, "devices", "revoke", tablet);
            assertThat(revoke.exit()).as(revoke.err()).isZero();
            assertThat(Json.MAPPER.readTree(revoke.out()).get("revoked").booleanValue()).isTrue();
            assertThat(server.requests("DELETE", "/api/devices/" + tablet)).hasSize(1);

            Run unknown = cli(phone, "devices", "revoke", UUID.randomUUID().toString());
            assertThat(unknown.exit()).isEqualTo(3);
            assertThat(unknown.err()).startsWith("not found: ");
        }
    }
}

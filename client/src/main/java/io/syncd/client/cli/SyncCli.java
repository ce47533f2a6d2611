package io.syncd.client.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.syncd.client.Account;
import io.syncd.client.ChangeResult;
import io.syncd.client.NotAStoreException;
import io.syncd.client.RecordNotFoundException;
import io.syncd.client.Registration;
import io.syncd.client.Resolution;
import io.syncd.client.ServerRejectedException;
import io.syncd.client.ServerUnreachableException;
import io.syncd.client.SyncClient;
import io.syncd.client.SyncOptions;
import io.syncd.client.SyncReport;
import io.syncd.client.SyncStatus;
import io.syncd.common.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code java -jar sync-cli.jar --db FILE COMMAND [ARGS]}: the SDK on the command line. JSON on stdout, messages on
 * stderr; the exit codes are listed once, in the {@code @Command} below (and docs/SDK.md).
 */
// scope INHERIT: every subcommand takes --help (and shows the exit codes); HelpCommand adds "help [COMMAND]".
@Command(name = "sync-cli", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "syncd sync-cli 0.1.0",
        description = "A syncd device on the command line: a local SQLite store that works offline, and sync.",
        subcommands = {CommandLine.HelpCommand.class, DevicesCommand.class, BooksCommand.class,
                SignOutEverywhereCommand.class, RotateKeyCommand.class, WatchCommand.class},
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
                "1:error (invalid input, a refused request, not a store); on 401 the device was revoked: register"
                        + " a new store",
                "2:the server cannot be reached; nothing is lost", "3:not found",
                "4:sync done, but conflicts or rejections are open: see conflicts, rejections, resolve"})
public final class SyncCli implements Callable<Integer> {
    static final int OK = 0;
    static final int ERROR = 1;
    static final int UNREACHABLE = 2;
    static final int NOT_FOUND = 3;
    static final int ISSUES_OPEN = 4;
    /** How often {@code watch} looks for edits other commands stored. */

    private static final String TABLE = "one of: ${COMPLETION-CANDIDATES}";
    private static final String RECORD_ID = "the record's id, a UUID (new-id makes one)";

    // Inherited, not required: every command's help shows it and takes it after the command name too, and --help,
    // help, new-id and create-account work without it. The commands that use the store ask for it (store()).
    @Option(names = "--db", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "the local store, a syncd SQLite file (needed by every command that reads or writes it);"
                    + " only register creates one")
    Path db;

    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "log retries and sync summaries to stderr")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    /** The command tree with its help, usage on a wrong argument, and exit codes. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new SyncCli());
        cli.setOut(out).setErr(err);
        // The fields of each table come from the one table definition in common, so help never lists stale ones.
        for (String command : new String[] {"put", "resolve"}) {
            cli.getSubcommands().get(command).getCommandSpec().usageMessage().footer(TableNames.fieldsHelp());
        }
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage());
            e.getCommandLine().usage(err);
            return ERROR;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof ServerUnreachableException) {
                err.println("server unreachable: " + e.getMessage());
                return UNREACHABLE;
            }
            if (e instanceof NotAStoreException notAStore && notAStore.missing()) {
                err.println("error: " + e.getMessage() + "; register creates a store");
                return ERROR;
            }
            if (e instanceof RecordNotFoundException
                    || e instanceof ServerRejectedException rejected && rejected.status() == 404) {
                err.println("not found: " + e.getMessage());
                return NOT_FOUND;
            }
            if (e instanceof ServerRejectedException rejected && rejected.status() == 401) {
                err.println("error: " + e.getMessage());
                String command = commandLine.getCommandName();
                err.println("create-account".equals(command)
                        ? "the server's signup needs its admin token: --admin-token TOKEN"
                        : "register".equals(command)
                        ? "the server refused the enrollment key or the ID token (the reason is above)"
                        : "the server no longer accepts this device's token: the device was revoked (devices list"
                                + " on another device shows it), or the server does not know it. Register again with"
                                + " a new store: sync-cli --db NEW_FILE register ...");
                return ERROR;
            }
            err.println("error: " + e.getMessage());
            return ERROR;
        });
        return cli;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ERROR;
    }

    @Command(name = "create-account", description = "Create an account; prints its id and enrollment key. Does not"
            + " use the --db file.")
    int createAccount(@Option(names = "--server", required = true, paramLabel = "URL",
                              description = "the sync server, e.g. http://localhost:8080") URI server,
                      @Option(names = "--name", required = true, description = "the account's name") String name,
                      @Option(names = "--admin-token", paramLabel = "TOKEN",
                              description = "the server's admin token, when its signup is admin only")
                      String adminToken) {
        configureLogging();
        Account account = SyncClient.createAccount(server, name, adminToken, SyncOptions.defaults());
        print(Json.MAPPER.createObjectNode().put("account_id", account.accountId())
                .put("enrollment_key", account.enrollmentKey()));
        return OK;
    }

    @Command(name = "register", description = "Create the --db store (if missing) and register it as a new device of"
            + " the enrollment key's account, or by signing in with an identity provider's ID token (--id-token). A"
            + " store registers once.")
    int register(@Option(names = "--server", required = true, paramLabel = "URL",
                         description = "the sync server, e.g. http://localhost:8080") URI server,
                 @Option(names = "--enrollment-key", paramLabel = "KEY",
                         description = "the account's enrollment key (from create-account or rotate-key)") String key,
                 @Option(names = "--id-token", paramLabel = "TOKEN",
                         description = "instead of a key: an OpenID Connect ID token (a JWT) from the identity provider"
                                 + " the server trusts; joins the account linked to that identity") String idToken,
                 @Option(names = {"--device-name", "--name"}, required = true, paramLabel = "NAME",
                         description = "a name for this device, e.g. \"Alice's phone\"") String deviceName,
                 @Option(names = "--platform", paramLabel = "PLATFORM",
                         description = "what the device is, e.g. android, ios, cli (optional)") String platform) {
        if ((key == null) == (idToken == null)) {
            throw new CommandLine.ParameterException(running(), "give either --enrollment-key or --id-token");
        }
        configureLogging();
        try (SyncClient client = SyncClient.open(store())) {
            Registration registration = key != null ? client.register(server, key, deviceName, platform)
                    : client.registerWithIdToken(server, idToken, deviceName, platform);
            print(Json.MAPPER.createObjectNode().put("device_id", registration.deviceId())
                    .put("account_id", registration.accountId()));
        }
        return OK;
    }

    @Command(name = "new-id", description = "Print a new record id for put: a time-ordered UUID (version 7).")
    int newId() {
        print(Json.MAPPER.createObjectNode().put("id", SyncClient.newRecordId()));
        return OK;
    }

    @Command(name = "put", description = "Create or replace a record locally; works offline. The next sync sends it.")
    int put(@Parameters(paramLabel = "TABLE", completionCandidates = TableNames.class, description = TABLE) String table,
            @Parameters(paramLabel = "RECORD_ID", description = RECORD_ID) String recordId,
            @Parameters(paramLabel = "JSON", description = "the record's whole data, a JSON object with the table's"
                    + " fields (listed below); it replaces the record's data (not a patch)") String json) {
        JsonNode data = parse(json);
        try (SyncClient client = open()) {
            print(CliJson.record(client.put(table, recordId, data)));
        }
        return OK;
    }

    @Command(name = "delete", description = "Delete a record locally; works offline. The next sync sends it.")
    int delete(@Parameters(paramLabel = "TABLE", completionCandidates = TableNames.class, description = TABLE)
               String table,
               @Parameters(paramLabel = "RECORD_ID", description = RECORD_ID) String recordId) {
        try (SyncClient client = open()) {
            print(CliJson.record(client.delete(table, recordId)));
        }
        return OK;
    }

    @Command(name = "get", description = "Print the local record (also a deleted one); exit 3 if the store never had"
            + " it.")
    int get(@Parameters(paramLabel = "TABLE", completionCandidates = TableNames.class, description = TABLE) String table,
            @Parameters(paramLabel = "RECORD_ID", description = RECORD_ID) String recordId) {
        try (SyncClient client = open()) {
            print(CliJson.record(client.get(table, recordId).orElseThrow(() -> new RecordNotFoundException(
                    "no " + table + " record " + recordId + " in the local store"))));
        }
        return OK;
    }

    @Command(name = "list", description = "Print the table's live local records as a JSON array.")
    int list(@Parameters(paramLabel = "TABLE", completionCandidates = TableNames.class, description = TABLE)
             String table) {
        try (SyncClient client = open()) {
            print(CliJson.records(client.list(table)));
        }
        return OK;
    }

    @Command(name = "sync", description = "Push the outbox, then pull the server's changes; prints the counts. Exit 4"
            + " when conflicts or rejections are left open, 2 when the server cannot be reached (nothing is lost).")
    int sync(@Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "0",
                     description = "long-poll: when the server has nothing new, wait up to MS (0 to 30000) for"
                             + " another device's change before answering (default 0: answer at once)") int waitMs) {
        if (waitMs < 0 || waitMs > 30_000) {
            throw new CommandLine.ParameterException(running(), "--wait-ms must be 0 to 30000, got " + waitMs);
        }
        try (SyncClient client = open()) {
            try {
                SyncReport report = client.syncAll(Duration.ofMillis(waitMs));
                print(CliJson.report(report));
                if (report.pending() > 0) {
                    message(report.pending() + " change(s) are queued on the server but not decided yet; the next"
                            + " sync sends them again");
                }
                SyncStatus status = client.status();
                if (status.conflicts() > 0 || status.rejections() > 0) {
                    message(status.conflicts() + " conflict(s) and " + status.rejections() + " rejection(s) are open:"
                            + " list them with conflicts and rejections, settle each with resolve");
                    return ISSUES_OPEN;
                }
            } catch (ServerUnreachableException e) {
                throw new ServerUnreachableException(e.getMessage() + "; nothing is lost: "
                        + client.status().outbox() + " change(s) wait in the outbox for the next sync", e);
            }
        }
        return OK;
    }

    @Command(name = "conflicts", description = "Print the open conflicts: the local data and the server's record of"
            + " each.")
    int conflicts() {
        try (SyncClient client = open()) {
            print(CliJson.conflicts(client.conflicts()));
        }
        return OK;
    }

    @Command(name = "rejections", description = "Print the changes the server rejected (kept locally).")
    int rejections() {
        try (SyncClient client = open()) {
            print(CliJson.rejections(client.rejections()));
        }
        return OK;
    }

    @Command(name = "resolve", description = "Resolve an open conflict (or rejection) by its change id and send the"
            + " choice; without the server, the next sync sends it.")
    int resolve(@Parameters(paramLabel = "CHANGE_ID", description = "the change_id shown by conflicts or rejections")
                String changeId,
                @Parameters(paramLabel = "use_server|use_local|merge", description = {
                        "use_server: take the server's record, drop the local edit",
                        "use_local: send the local record over the server's",
                        "merge: send JSON as the record's data"}) String resolution,
                @Parameters(paramLabel = "JSON", arity = "0..1", description = "merge only: the whole record as"
                        + " merged, every field as for put (not a patch); it also becomes the local record")
                String json) {
        Resolution chosen = Resolution.fromWireName(resolution).orElseThrow(() -> new CommandLine.ParameterException(
                running(), "resolution must be use_server, use_local or merge, got " + resolution));
        JsonNode data = json == null ? null : parse(json);
        try (SyncClient client = open()) {
            try {
                ChangeResult result = client.resolve(changeId, chosen, data);
                print(CliJson.result(result));
            } catch (ServerUnreachableException e) {
                throw new ServerUnreachableException(e.getMessage()
                        + "; the resolution is stored and the next sync sends it", e);
            }
        }
        return OK;
    }

    @Command(name = "status", description = "Print the device and account, the server, dirty records, changes in the"
            + " outbox, open conflicts and rejections, and the last sync.")
    int status() {
        try (SyncClient client = open()) {
            print(CliJson.status(client.status()));
        }
        return OK;
    }

    /** An existing store: a mistyped path must not become a new, empty store (only register creates one). */
    SyncClient open() {
        configureLogging();
        return SyncClient.openExisting(store(), SyncOptions.defaults());
    }

    private Path store() {
        if (db == null) {
            throw new CommandLine.ParameterException(running(), "Missing required option: '--db=FILE'");
        }
        return db;
    }

    /** The command being run (a subcommand's, for its usage), found through the parse result. */
    CommandLine running() {
        CommandLine.ParseResult result = spec.commandLine().getParseResult();
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().commandLine();
    }

    private void configureLogging() {
        // The SDK logs through System.Logger (java.util.logging here): one line each, on stderr, quiet by default.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        Logger.getLogger("").setLevel(verbose ? Level.INFO : Level.WARNING);
    }

    private JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new CommandLine.ParameterException(running(), "not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Where the command's JSON goes. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void print(JsonNode json) {
        PrintWriter out = out();
        out.println(json.toString());
        out.flush();
    }

    void message(String text) {
        spec.commandLine().getErr().println(text);
    }
}

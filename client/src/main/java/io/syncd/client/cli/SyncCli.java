package io.syncd.client.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.syncd.client.Account;
import io.syncd.client.ChangeResult;
import io.syncd.client.NotAStoreException;
import io.syncd.client.RecordNotFoundException;
import io.syncd.client.Registration;
import io.syncd.client.Resolution;
import io.syncd.client.ServerUnreachableException;
import io.syncd.client.SyncClient;
import io.syncd.client.SyncOptions;
import io.syncd.client.SyncReport;
import io.syncd.common.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code java -jar sync-cli.jar --db FILE COMMAND [ARGS]}: the SDK on the command line. JSON on stdout, messages on
 * stderr; exit 0 on success, 2 when the server cannot be reached (nothing lost), 3 for "not found", 1 otherwise.
 */
@Command(name = "sync-cli", mixinStandardHelpOptions = true, version = "syncd sync-cli 0.1.0",
        description = "A syncd device on the command line: a local SQLite store that works offline, and sync.",
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:error (invalid input, server refused, …)",
                "2:the server cannot be reached; nothing is lost", "3:not found"})
public final class SyncCli implements Callable<Integer> {
    static final int OK = 0;
    static final int ERROR = 1;
    static final int UNREACHABLE = 2;
    static final int NOT_FOUND = 3;

    @Option(names = "--db", required = true, paramLabel = "FILE",
            description = "the local store: a syncd SQLite file; only register creates one")
    Path db;

    @Option(names = {"-v", "--verbose"}, description = "log retries and sync summaries to stderr")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new SyncCli());
        cli.setOut(out).setErr(err);
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
            if (e instanceof RecordNotFoundException) {
                err.println("not found: " + e.getMessage());
                return NOT_FOUND;
            }
            err.println("error: " + e.getMessage());
            return ERROR;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ERROR;
    }

    @Command(name = "create-account", description = "Create an account; prints its id and enrollment key.")
    int createAccount(@Option(names = "--server", required = true, paramLabel = "URL") URI server,
                      @Option(names = "--name", required = true) String name,
                      @Option(names = "--admin-token", description = "when the server's signup needs it")
                      String adminToken) {
        configureLogging();
        Account account = SyncClient.createAccount(server, name, adminToken, SyncOptions.defaults());
        print(Json.MAPPER.createObjectNode().put("account_id", account.accountId())
                .put("enrollment_key", account.enrollmentKey()));
        return OK;
    }

    @Command(name = "register", description = "Register this store as a device of the enrollment key's account.")
    int register(@Option(names = "--server", required = true, paramLabel = "URL") URI server,
                 @Option(names = "--enrollment-key", required = true, paramLabel = "KEY") String key,
                 @Option(names = "--device-name", required = true, paramLabel = "NAME") String deviceName,
                 @Option(names = "--platform", paramLabel = "P") String platform) {
        configureLogging();
        try (SyncClient client = SyncClient.open(db)) {
            Registration registration = client.register(server, key, deviceName, platform);
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

    @Command(name = "put", description = "Create or replace a record locally (JSON is its data); works offline.")
    int put(@Parameters(paramLabel = "TABLE") String table, @Parameters(paramLabel = "RECORD_ID") String recordId,
            @Parameters(paramLabel = "JSON") String json) {
        JsonNode data = parse(json);
        try (SyncClient client = open()) {
            print(CliJson.record(client.put(table, recordId, data)));
        }
        return OK;
    }

    @Command(name = "delete", description = "Delete a record locally; works offline.")
    int delete(@Parameters(paramLabel = "TABLE") String table, @Parameters(paramLabel = "RECORD_ID") String recordId) {
        try (SyncClient client = open()) {
            print(CliJson.record(client.delete(table, recordId)));
        }
        return OK;
    }

    @Command(name = "get", description = "Print the local record (also a deleted one).")
    int get(@Parameters(paramLabel = "TABLE") String table, @Parameters(paramLabel = "RECORD_ID") String recordId) {
        try (SyncClient client = open()) {
            print(CliJson.record(client.get(table, recordId).orElseThrow(() -> new RecordNotFoundException(
                    "no " + table + " record " + recordId + " in the local store"))));
        }
        return OK;
    }

    @Command(name = "list", description = "Print the table's live local records as a JSON array.")
    int list(@Parameters(paramLabel = "TABLE") String table) {
        try (SyncClient client = open()) {
            print(CliJson.records(client.list(table)));
        }
        return OK;
    }

    @Command(name = "sync", description = "Push the outbox, then pull the server's changes.")
    int sync() {
        try (SyncClient client = open()) {
            try {
                SyncReport report = client.syncAll();
                print(CliJson.report(report));
                if (report.pending() > 0) {
                    message(report.pending() + " change(s) are queued on the server but not decided yet; the next"
                            + " sync sends them again");
                }
            } catch (ServerUnreachableException e) {
                throw new ServerUnreachableException(e.getMessage() + "; nothing is lost: "
                        + client.status().outbox() + " change(s) wait in the outbox for the next sync", e);
            }
        }
        return OK;
    }

    @Command(name = "conflicts", description = "Print the open conflicts.")
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

    @Command(name = "resolve", description = "Resolve an open conflict (or rejection) by its change id.")
    int resolve(@Parameters(paramLabel = "CHANGE_ID") String changeId,
                @Parameters(paramLabel = "use_server|use_local|merge") String resolution,
                @Parameters(paramLabel = "JSON", arity = "0..1", description = "the merged data (merge only)")
                String json) {
        Resolution chosen = Resolution.fromWireName(resolution).orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "resolution must be use_server, use_local or merge, got " + resolution));
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

    @Command(name = "status", description = "Print the device id, dirty records, open conflicts and last sync.")
    int status() {
        try (SyncClient client = open()) {
            print(CliJson.status(client.status()));
        }
        return OK;
    }

    /** An existing store: a mistyped path must not become a new, empty store (only register creates one). */
    private SyncClient open() {
        configureLogging();
        return SyncClient.openExisting(db, SyncOptions.defaults());
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
            throw new CommandLine.ParameterException(spec.commandLine(), "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private void print(JsonNode json) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(json.toString());
        out.flush();
    }

    private void message(String text) {
        spec.commandLine().getErr().println(text);
    }
}

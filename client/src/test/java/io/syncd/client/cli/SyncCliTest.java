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
import io.syncd.client.SyncClient;

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
}

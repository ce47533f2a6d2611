package io.syncd.client;

import static io.syncd.client.Records.book;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.store.LocalStore;

/** The store marks its file and opens nothing else: another application's SQLite file is refused and left as it was. */
class StoreFileTest {
    /** "SYND": the store's {@code PRAGMA application_id}. */
    private static final int APPLICATION_ID = 0x53594E44;

    @TempDir
    Path dir;

    private static int pragma(Path file, String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA " + name)) {
            return rs.getInt(1);
        }
    }

    private static void sql(Path file, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** The strokes columns of every store before version 5: JSON text, not ink. */
    private static final String[] JSON_STROKES = {
            "ALTER TABLE notes DROP COLUMN strokes_ink", "ALTER TABLE notes ADD COLUMN strokes TEXT",
            "ALTER TABLE schedule_drawings DROP COLUMN strokes_ink",
            "ALTER TABLE schedule_drawings ADD COLUMN strokes TEXT"};

    private static String[] withJsonStrokes(String... statements) {
        return Stream.concat(Arrays.stream(JSON_STROKES), Arrays.stream(statements)).toArray(String[]::new);
    }

    private List<String> snapshot() {
        return FolderSnapshot.of(dir);
    }

    private Path otherApplicationsDatabase() throws SQLException, IOException {
        Path file = dir.resolve("otherapp.db");
        sql(file, "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)",
                "INSERT INTO contacts (name) VALUES ('Bob')");
        // An old modification time, so any write at all would show.
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));
        return file;
    }

    @Test
    void aNewStoreIsMarkedWithItsApplicationIdAndSchemaVersion() throws SQLException {
        Path file = dir.resolve("device.db");
        try (SyncClient client = SyncClient.open(file)) {
            client.put("books", newId(), book("Clinic A"));
        }

        assertThat(pragma(file, "application_id")).isEqualTo(APPLICATION_ID);
        assertThat(pragma(file, "user_version")).isEqualTo(5);
        try (SyncClient again = SyncClient.openExisting(file, SyncOptions.defaults())) {
            assertThat(again.list("books")).hasSize(1);
        }
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedAndLeftExactlyAsItWas() throws Exception {
        Path file = otherApplicationsDatabase();
        List<String> before = snapshot();

        assertThatThrownBy(() -> SyncClient.open(file)).isInstanceOf(NotAStoreException.class)
                .hasMessageContaining("otherapp.db is not a syncd store")
                .hasMessageContaining("other tables (contacts)")
                .hasMessageContaining("left as it was");
        assertThatThrownBy(() -> SyncClient.openExisting(file, SyncOptions.defaults()))
                .isInstanceOf(NotAStoreException.class);

        assertThat(snapshot()).as("no byte, time or side file changed").isEqualTo(before);
        assertThat(pragma(file, "application_id")).isZero();
    }

    @Test
    void aDatabaseMarkedByAnotherApplicationIsRefusedEvenWhenItHasNoTables() throws Exception {
        Path file = dir.resolve("marked.db");
        sql(file, "PRAGMA application_id = 1234");
        List<String> before = snapshot();

        assertThatThrownBy(() -> SyncClient.open(file)).isInstanceOf(NotAStoreException.class)
                .hasMessageContaining("another application (SQLite application_id 1234)");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aFileThatIsNotAnSqliteDatabaseIsRefusedUntouched() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "shopping list: milk, bread, and a long enough line to look like a header\n".repeat(10),
                StandardCharsets.UTF_8);
        List<String> before = snapshot();

        assertThatThrownBy(() -> SyncClient.open(file)).isInstanceOf(NotAStoreException.class)
                .hasMessageContaining("not an SQLite database");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void openingAnExistingStoreRefusesAMissingFileAndCreatesNothing() throws Exception {
        Path file = dir.resolve("typo.db");

        assertThatThrownBy(() -> SyncClient.openExisting(file, SyncOptions.defaults()))
                .isInstanceOfSatisfying(NotAStoreException.class, e -> assertThat(e.missing()).isTrue())
                .hasMessageContaining("no syncd store at").hasMessageContaining("none was created");
        assertThat(snapshot()).as("no file, no side file").isEmpty();
    }

    @Test
    void openingAnExistingStoreRefusesAnEmptyFileWhichOpenTurnsIntoAStore() throws Exception {
        Path file = Files.createFile(dir.resolve("empty.db"));

        assertThatThrownBy(() -> SyncClient.openExisting(file, SyncOptions.defaults()))
                .isInstanceOfSatisfying(NotAStoreException.class, e -> assertThat(e.missing()).isFalse())
                .hasMessageContaining("it is empty");
        assertThat(Files.size(file)).isZero();

        SyncClient.open(file).close();
        assertThat(pragma(file, "application_id")).isEqualTo(APPLICATION_ID);
    }

    @Test
    void aStoreOfAnEarlierSdkIsMarkedAndKeepsItsUnsyncedEdits() throws SQLException {
        Path file = dir.resolve("device.db");
        String bookId = newId();
        try (SyncClient client = SyncClient.open(file)) {
            client.put("books", bookId, book("written offline"));
        }
        // Exactly the file the SDK before the mark made: schema version 1, no application id, no resync table.
        sql(file, withJsonStrokes("DROP TABLE resync_unconfirmed", "ALTER TABLE sync_metadata DROP COLUMN last_event_id",
                "DROP TABLE book_selection", "ALTER TABLE sync_metadata DROP COLUMN books_chosen",
                "PRAGMA application_id = 0", "PRAGMA user_version = 1"));

        try (SyncClient upgraded = SyncClient.openExisting(file, SyncOptions.defaults())) {
            LocalRecord book = upgraded.get("books", bookId).orElseThrow();
            assertThat(book.dirty()).isTrue();
            assertThat(book.data().get("name").stringValue()).isEqualTo("written offline");
            assertThat(upgraded.status().outbox()).isEqualTo(1);
        }
        assertThat(pragma(file, "application_id")).isEqualTo(APPLICATION_ID);
        assertThat(pragma(file, "user_version")).isEqualTo(5);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM sqlite_master WHERE name = 'resync_unconfirmed'")) {
            assertThat(rs.getInt(1)).as("version 2's table, added by the upgrade").isEqualTo(1);
        }
        try (LocalStore store = LocalStore.openExisting(file)) {
            assertThat(store.inTransaction(() -> store.outbox().all())).singleElement()
                    .satisfies(change -> assertThat(change.recordId()).isEqualTo(bookId));
        }
    }

    @Test
    void anUnmarkedDatabaseWithOnlySomeOfTheStoresTablesIsNotTakenForAnOldStore() throws Exception {
        Path file = dir.resolve("books.db");
        sql(file, "CREATE TABLE books (record_id TEXT PRIMARY KEY, name TEXT)", "PRAGMA user_version = 1");
        List<String> before = snapshot();

        assertThatThrownBy(() -> SyncClient.open(file)).isInstanceOf(NotAStoreException.class)
                .hasMessageContaining("other tables (books)");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aStoreOfANewerSdkIsRefusedWithoutChangingIt() throws SQLException {
        Path file = dir.resolve("device.db");
        SyncClient.open(file).close();
        sql(file, "PRAGMA user_version = 6");

        assertThatThrownBy(() -> SyncClient.open(file)).isInstanceOf(SyncException.class)
                .hasMessageContaining("schema version 6, newer than this SDK's (5): use a newer SDK");
        assertThat(pragma(file, "user_version")).isEqualTo(6);
    }

    @Test
    void aVersion2StoreGetsTheLastEventIdColumnAndKeepsItsCursor() throws SQLException {
        Path file = dir.resolve("device.db");
        SyncClient.open(file).close();
        sql(file, withJsonStrokes("ALTER TABLE sync_metadata DROP COLUMN last_event_id",
                "UPDATE sync_metadata SET cursor = 'c-1'", "DROP TABLE book_selection",
                "ALTER TABLE sync_metadata DROP COLUMN books_chosen", "PRAGMA user_version = 2"));

        SyncClient.openExisting(file, SyncOptions.defaults()).close();

        assertThat(pragma(file, "user_version")).isEqualTo(5);
        try (LocalStore store = LocalStore.openExisting(file)) {
            assertThat(store.inTransaction(() -> store.metadata().cursor())).contains("c-1");
            assertThat(store.inTransaction(() -> store.metadata().lastEventId())).isEmpty();
        }
    }

    @Test
    void aVersion3StoreGetsBookSelectionSyncingEveryBookAndKeepsItsUnsyncedEditAndCursor() throws SQLException {
        Path file = dir.resolve("device.db");
        String bookId = newId();
        try (SyncClient client = SyncClient.open(file)) {
            client.put("books", bookId, book("written offline"));
        }
        // The file the version 3 SDK made: no book selection yet.
        sql(file, withJsonStrokes("DROP TABLE book_selection", "ALTER TABLE sync_metadata DROP COLUMN books_chosen",
                "UPDATE sync_metadata SET cursor = 'c-3', last_event_id = 'e-3'", "PRAGMA user_version = 3"));

        try (SyncClient upgraded = SyncClient.openExisting(file, SyncOptions.defaults())) {
            LocalRecord book = upgraded.get("books", bookId).orElseThrow();
            assertThat(book.dirty()).isTrue();
            assertThat(book.data().get("name").stringValue()).isEqualTo("written offline");
            assertThat(upgraded.status().outbox()).isEqualTo(1);
            assertThat(upgraded.subscribedBooks()).as("every book, as before the upgrade").isEmpty();
            upgraded.subscribeBooks(Set.of(UUID.fromString(bookId)));
        }

        assertThat(pragma(file, "user_version")).isEqualTo(5);
        try (LocalStore store = LocalStore.openExisting(file)) {
            assertThat(store.inTransaction(() -> store.metadata().cursor())).contains("c-3");
            assertThat(store.inTransaction(() -> store.metadata().lastEventId())).contains("e-3");
            assertThat(store.inTransaction(() -> store.outbox().all())).singleElement()
                    .satisfies(change -> assertThat(change.recordId()).isEqualTo(bookId));
            assertThat(store.inTransaction(() -> store.bookSelection().chosen())).contains(Set.of(bookId));
        }
    }
}

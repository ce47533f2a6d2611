package io.syncd.client;

import static io.syncd.client.JsonByValue.assertEqualByValue;
import static io.syncd.client.Records.book;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static io.syncd.client.Records.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OutboxEntry;
import io.syncd.common.SyncTable;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;

/** Schema version 5 keeps strokes as ink: a version-4 store is converted in place and loses nothing. */
class InkStoreUpgradeTest {
    /** As the version 4 SDK kept them: JSON text, decimals as written. */
    private static final String EDITED = "[[[1.50,2.25,0.1,1000],[12345678.125,-3,0.731,1016]],[[4,5,1e2,2000]]]";
    private static final String OTHER = "[[[7,8,0.5,1]]]";
    private static final String SERVERS = "[[[9.75,10,0.25,5]]]";

    @TempDir
    Path dir;

    private static void sql(Path file, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static List<String> query(Path file, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static JsonNode strokes(String json) {
        return JsonDevice.EXACT.readTree(json);
    }

    private static JsonNode inkOf(JsonNode data) throws Exception {
        assertThat(data.has("strokes")).as("no JSON strokes left in %s", data).isFalse();
        return InkCodec.decode(InkCodec.fromBase64(data.get("strokes_ink").stringValue()));
    }

    private static String envelope(String noteId, String eventId, long version, String strokes) {
        return "{\"table\":\"notes\",\"record_id\":\"" + noteId + "\",\"version\":" + version
                + ",\"is_deleted\":false,\"data\":{\"event_id\":\"" + eventId + "\",\"strokes\":" + strokes + "}}";
    }

    @Test
    void aVersion4StoreGetsItsStrokesAsInkAndKeepsEveryUnsyncedEditTheCursorAndTheStreamId() throws Exception {
        Path file = dir.resolve("device.db");
        String bookId = newId();
        String eventId = newId();
        String edited = newId();
        String other = newId();
        try (SyncClient client = SyncClient.open(file)) {
            client.put("books", bookId, book("written offline"));
            client.put("events", eventId, event(bookId, "visit"));
            client.put("notes", edited, note(eventId));
            client.put("notes", other, note(eventId));
        }
        Version4Store.downgrade(file, Map.of(edited, EDITED, other, OTHER));
        // What else a version 4 store holds strokes in: a held record, and a conflict's server record.
        sql(file, "INSERT INTO held_records (table_name, record_id, version, record) VALUES ('notes', '" + other
                        + "', 7, '" + envelope(other, eventId, 7, SERVERS) + "')",
                "INSERT INTO conflicts (change_id, table_name, record_id, status, server_record, server_version,"
                        + " detected_at) VALUES ('" + newId() + "', 'notes', '" + edited + "', 'conflict', '"
                        + envelope(edited, eventId, 6, SERVERS) + "', 6, '2026-12-07T10:00:00Z')",
                "UPDATE sync_metadata SET cursor = 'c-4', last_event_id = 'e-4'");

        try (SyncClient upgraded = SyncClient.openExisting(file, SyncOptions.defaults())) {
            LocalRecord note = upgraded.get("notes", edited).orElseThrow();
            assertThat(note.dirty()).isTrue();
            assertEqualByValue(note.data().get("strokes"), strokes(EDITED));
            assertEqualByValue(upgraded.get("notes", other).orElseThrow().data().get("strokes"), strokes(OTHER));
            assertThat(upgraded.status().outbox()).isEqualTo(4);
            assertThat(upgraded.conflicts()).singleElement().satisfies(conflict -> {
                assertEqualByValue(conflict.serverRecord().get("data").get("strokes"), strokes(SERVERS));
                assertEqualByValue(conflict.localData().get("strokes"), strokes(EDITED));
            });
        }

        assertThat(query(file, "PRAGMA user_version")).containsExactly("5");
        assertThat(query(file, "SELECT name FROM pragma_table_info('notes') WHERE name LIKE 'strokes%'"))
                .containsExactly("strokes_ink");
        assertThat(query(file, "SELECT DISTINCT typeof(strokes_ink) FROM notes")).containsExactly("blob");
        try (LocalStore store = LocalStore.openExisting(file)) {
            assertThat(store.inTransaction(() -> store.metadata().cursor())).contains("c-4");
            assertThat(store.inTransaction(() -> store.metadata().lastEventId())).contains("e-4");
            List<OutboxEntry> outbox = store.inTransaction(() -> store.outbox().all());
            assertThat(outbox).extracting(OutboxEntry::recordId).containsExactly(bookId, eventId, edited, other);
            assertEqualByValue(inkOf(JsonDevice.EXACT.readTree(outbox.get(2).data())), strokes(EDITED));
            assertEqualByValue(inkOf(JsonDevice.EXACT.readTree(outbox.get(3).data())), strokes(OTHER));
            JsonNode held = store.inTransaction(() -> store.held().find(SyncTable.NOTES, other)).orElseThrow();
            assertEqualByValue(inkOf(held.get("data")), strokes(SERVERS));
        }
    }

    @Test
    void strokesTheUpgradeCannotReadLeaveTheStoreAtVersion4Untouched() throws Exception {
        Path file = dir.resolve("device.db");
        String bookId = newId();
        String eventId = newId();
        String noteId = newId();
        try (SyncClient client = SyncClient.open(file)) {
            client.put("books", bookId, book("written offline"));
            client.put("events", eventId, event(bookId, "visit"));
            client.put("notes", noteId, note(eventId));
        }
        Version4Store.downgrade(file, Map.of());
        sql(file, "UPDATE notes SET strokes = '[[1,2]'"); // truncated: no SDK wrote this, but a disk may

        assertThatThrownBy(() -> SyncClient.openExisting(file, SyncOptions.defaults())).isInstanceOf(SyncException.class)
                .hasMessageContaining("cannot upgrade the store to version 5: the strokes of notes " + noteId);

        assertThat(query(file, "PRAGMA user_version")).containsExactly("4");
        assertThat(query(file, "SELECT strokes FROM notes")).containsExactly("[[1,2]");
        assertThat(query(file, "SELECT count(*) FROM outbox")).containsExactly("3");
    }
}

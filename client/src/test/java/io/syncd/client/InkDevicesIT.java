package io.syncd.client;

import static io.syncd.client.JsonByValue.assertEqualByValue;
import static io.syncd.client.Records.book;
import static io.syncd.client.Records.event;
import static io.syncd.client.Records.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An SDK device, which keeps strokes as ink and syncs them as {@code strokes_ink}, and a v1 device sending and
 * receiving JSON strokes, of one account, editing the same notes through the real server.
 */
class InkDevicesIT {
    /** Decimals as a pen writes them, a trailing zero among them: equal by value on every device. */
    private static final String TABLET_STROKES = "[[[1.50,2.25,0.1,1000],[12345678.125,-3,0.731,1016]],[[4,5,1e2,2000]]]";
    private static final String JSON_DEVICE_STROKES = "[[[10.25,20.5,0.75,100],[11,21.5,0.80,116]]]";
    private static final String NEW_NOTE_STROKES = "[[[0,0,0.5,0]],[]]";

    private final ServerProcess server = ServerProcess.shared();
    private final Devices devices = new Devices(server.uri());

    @AfterEach
    void close() {
        devices.close();
    }

    private JsonDevice jsonDevice() {
        return JsonDevice.register(server.uri(), devices.account().enrollmentKey(), "v1 app");
    }

    private static ObjectNode note(String eventId, String strokes) {
        ObjectNode note = JsonDevice.EXACT.createObjectNode().put("event_id", eventId);
        note.set("strokes", JsonDevice.strokes(strokes));
        return note;
    }

    /** A book, an event and a note written on the SDK device and synced. */
    private record Synced(SyncClient tablet, String eventId, String noteId) {
    }

    private Synced noteOnTheTablet() {
        SyncClient tablet = devices.device("tablet");
        String bookId = newId();
        String eventId = newId();
        String noteId = newId();
        tablet.put("books", bookId, book("clinic"));
        tablet.put("events", eventId, event(bookId, "visit"));
        tablet.put("notes", noteId, note(eventId, TABLET_STROKES));
        assertThat(tablet.syncAll().applied()).isEqualTo(3);
        return new Synced(tablet, eventId, noteId);
    }

    @Test
    void anInkDeviceAndAJsonDeviceEditTheSameNotesAndEachReceivesTheOthersInItsOwnFormat() throws Exception {
        Synced t = noteOnTheTablet();
        JsonDevice phone = jsonDevice();

        // The JSON device pulls the tablet's ink as JSON strokes, by default, equal by value.
        JsonNode pulled = phone.latest(null, "notes", t.noteId());
        assertThat(pulled.get("data").has("strokes_ink")).isFalse();
        assertEqualByValue(pulled.get("data").get("strokes"), JsonDevice.strokes(TABLET_STROKES));

        // It edits that note and writes a new one, as JSON.
        assertThat(phone.upsert("notes", t.noteId(), 1, note(t.eventId(), JSON_DEVICE_STROKES)).get("status")
                .stringValue()).isEqualTo("applied");
        String phoneNote = newId();
        assertThat(phone.upsert("notes", phoneNote, 0, note(t.eventId(), NEW_NOTE_STROKES)).get("status")
                .stringValue()).isEqualTo("applied");

        // The SDK pulls both as ink, keeps ink, and shows the app JSON strokes equal by value.
        t.tablet().syncAll();
        LocalRecord edited = t.tablet().get("notes", t.noteId()).orElseThrow();
        assertThat(edited.version()).isEqualTo(2);
        assertThat(edited.data().has("strokes_ink")).isFalse();
        assertEqualByValue(edited.data().get("strokes"), JsonDevice.strokes(JSON_DEVICE_STROKES));
        assertEqualByValue(t.tablet().get("notes", phoneNote).orElseThrow().data().get("strokes"),
                JsonDevice.strokes(NEW_NOTE_STROKES));

        // The tablet edits the JSON device's note; the JSON device receives it as JSON.
        t.tablet().put("notes", phoneNote, note(t.eventId(), TABLET_STROKES));
        assertThat(t.tablet().syncAll().applied()).isEqualTo(1);
        assertEqualByValue(phone.latest(null, "notes", phoneNote).get("data").get("strokes"),
                JsonDevice.strokes(TABLET_STROKES));
        // An ink pull of the same note carries the bytes the tablet keeps.
        JsonNode asInk = phone.latest("ink", "notes", phoneNote).get("data");
        assertThat(asInk.has("strokes")).isFalse();
        assertThat(asInk.get("strokes_ink").stringValue()).isEqualTo(storedInk(phoneNote));
        assertEqualByValue(InkCodec.decode(InkCodec.fromBase64(asInk.get("strokes_ink").stringValue())),
                JsonDevice.strokes(TABLET_STROKES));
    }

    @Test
    void aConflictsServerRecordIsKeptAsInkAndShownToTheAppAsJsonStrokes() throws Exception {
        Synced t = noteOnTheTablet();
        JsonDevice phone = jsonDevice();
        assertThat(phone.upsert("notes", t.noteId(), 1, note(t.eventId(), JSON_DEVICE_STROKES)).get("status")
                .stringValue()).isEqualTo("applied");
        t.tablet().put("notes", t.noteId(), note(t.eventId(), NEW_NOTE_STROKES)); // offline, over version 1

        assertThat(t.tablet().pushChanges().conflicts()).isEqualTo(1);

        Conflict conflict = t.tablet().conflicts().get(0);
        assertEqualByValue(conflict.serverRecord().get("data").get("strokes"), JsonDevice.strokes(JSON_DEVICE_STROKES));
        assertThat(conflict.serverRecord().get("data").has("strokes_ink")).isFalse();
        assertEqualByValue(conflict.localData().get("strokes"), JsonDevice.strokes(NEW_NOTE_STROKES));
        JsonNode kept = JsonDevice.EXACT.readTree(
                query(devices.file("tablet"), "SELECT server_record FROM conflicts"));
        assertThat(kept.get("data").has("strokes")).as("the store keeps the server's record as ink").isFalse();
        assertEqualByValue(InkCodec.decode(InkCodec.fromBase64(kept.get("data").get("strokes_ink").stringValue())),
                JsonDevice.strokes(JSON_DEVICE_STROKES));

        // Merged as JSON by the app, encoded once, and received as JSON by the other device.
        ChangeResult merged = t.tablet().resolve(conflict, Resolution.MERGE, note(t.eventId(), TABLET_STROKES));
        assertThat(merged.status()).isEqualTo("applied");
        assertEqualByValue(phone.latest(null, "notes", t.noteId()).get("data").get("strokes"),
                JsonDevice.strokes(TABLET_STROKES));
    }

    @Test
    void aVersion4StoresUnsyncedNotesReachTheServerEqualByValueAfterTheUpgrade() throws Exception {
        String bookId = newId();
        String eventId = newId();
        String noteId = newId();
        try (SyncClient tablet = devices.device("tablet")) {
            tablet.put("books", bookId, book("clinic"));
            tablet.put("events", eventId, event(bookId, "visit"));
            tablet.put("notes", noteId, note(eventId, "[[[0,0,0,0]]]"));
        }
        // The version 4 SDK kept these strokes as JSON text, in the row and in the unsent change.
        Version4Store.downgrade(devices.file("tablet"), Map.of(noteId, TABLET_STROKES));

        SyncClient upgraded = devices.open("tablet", SyncOptions.defaults());
        assertThat(upgraded.syncAll().applied()).isEqualTo(3);

        assertEqualByValue(jsonDevice().latest(null, "notes", noteId).get("data").get("strokes"),
                JsonDevice.strokes(TABLET_STROKES));
        assertEqualByValue(upgraded.get("notes", noteId).orElseThrow().data().get("strokes"),
                JsonDevice.strokes(TABLET_STROKES));
    }

    /** The base64 of the ink bytes the SDK's store holds for the note. */
    private String storedInk(String noteId) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + devices.file("tablet"));
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT strokes_ink FROM notes WHERE record_id = '" + noteId + "'")) {
            assertThat(rs.next()).isTrue();
            return InkCodec.toBase64(rs.getBytes(1));
        }
    }

    private static String query(Path file, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = connection.createStatement().executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}

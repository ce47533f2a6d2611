package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pull page is read from PostgreSQL on a reader thread ahead of the writing: the page arrives whole and in order,
 * and a device that goes away mid-page stops the reader and gives its connection back.
 */
class PullStreamingTest {
    private static final int NOTES = 2000;
    private final Api api = TestServer.api();

    /** ~5 KB of strokes, different per note. */
    private static ArrayNode strokes(int seed) {
        ArrayNode stroke = Json.MAPPER.createArrayNode();
        for (int p = 0; p < 600; p++) {
            stroke.addArray().add(400 + (p * seed) % 97).add(600 + p % 5).add(50).add(p * 9);
        }
        ArrayNode strokes = Json.MAPPER.createArrayNode();
        strokes.add(stroke);
        return strokes;
    }

    /** An account holding {@code NOTES} notes (some 10 MB of JSON: more than the socket buffers hold). */
    private Api.Device deviceWithNotes(List<ObjectNode> notes) {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        List<ObjectNode> changes = new ArrayList<>(List.of(upsert("books", bookId, 0, book("b")),
                upsert("events", eventId, 0, event(bookId, "e"))));
        for (int i = 0; i < NOTES; i++) {
            ObjectNode note = Json.MAPPER.createObjectNode().put("event_id", eventId.toString());
            note.set("strokes", strokes(i));
            notes.add(note);
            changes.add(upsert("notes", UUID.randomUUID(), 0, note));
        }
        for (int from = 0; from < changes.size(); from += 1000) {
            Api.Response pushed = api.push(device, changes.subList(from, Math.min(changes.size(), from + 1000))
                    .toArray(ObjectNode[]::new));
            assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
            for (JsonNode result : pushed.body().get("results")) {
                assertThat(result.get("status").stringValue()).as(result.toString()).isEqualTo("applied");
            }
        }
        return device;
    }

    @Test
    void aLongPageArrivesWholeInCommitOrderAndAnAbandonedOneFreesItsReader() throws Exception {
        List<ObjectNode> notes = new ArrayList<>();
        Api.Device device = deviceWithNotes(notes);
        // The gateway's LISTEN for decisions holds one connection for good; the rest come and go.
        int inUseBefore = connectionsInUse();

        abandonAPullMidPage(device);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(pageReadersStillReading()).as("pull readers inside a page").isEmpty();
            assertThat(connectionsInUse()).as("connections in use").isLessThanOrEqualTo(inUseBefore);
        });

        List<JsonNode> records = api.pullAll(device, null).records();
        assertThat(records).hasSize(NOTES + 2);
        List<JsonNode> pulledNotes = records.subList(2, records.size());
        for (int i = 0; i < NOTES; i++) {
            assertThat(pulledNotes.get(i).get("data").get("strokes")).as("note " + i + ", in push order")
                    .isEqualTo(notes.get(i).get("strokes"));
        }
    }

    /** Asks for the whole page uncompressed, reads its first bytes and hangs up. */
    private void abandonAPullMidPage(Api.Device device) throws Exception {
        URI uri = URI.create(api.baseUrl());
        byte[] body = "{\"cursor\":null,\"limit\":5000}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/sync/pull HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer "
                    + device.token() + "\r\nContent-Type: application/json\r\nAccept-Encoding: identity\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] first = in.readNBytes(64 * 1024);
            assertThat(new String(first, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        }
    }

    private static int connectionsInUse() {
        return ((HikariDataSource) TestServer.server().context().getBean(DataSource.class)).getHikariPoolMXBean()
                .getActiveConnections();
    }

    private static List<String> pageReadersStillReading() {
        List<String> reading = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("pull-reader-") && Arrays.stream(stack)
                    .anyMatch(frame -> frame.getClassName().startsWith("io.syncd.gateway.pull."))) {
                reading.add(thread.getName());
            }
        });
        return reading;
    }
}

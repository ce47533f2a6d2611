package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * Devices that never read their change streams hold back nobody else's events (ARCHITECTURE.md, "How a change stream
 * is held"): more of them than the hub has writer threads (256), each stream's socket full, and a device that reads
 * still hears of every change. The server's sockets get 4 KB send buffers here, so that a few hundred events fill a
 * stream's (the kernel gives a loopback socket megabytes), and events are not merged, so that each change is one.
 */
class NeverReadingStreamTest {
    private static final int NEVER_READING = 300;
    /** Several times what fills a never-reading stream's socket: its 4 KB send buffer and a 1 KB receive buffer. */
    private static final int CHANGES = 600;
    private static SyncServer server;
    private static Api api;

    @TempDir
    static Path tempDir;

    @BeforeAll
    static void start() {
        server = SyncServer.start("--server.port=0", "--sync.data-dir=" + tempDir, "--sync.admin-token=t",
                "--sync.gateway.address-rate-limit.requests-per-second=1000",
                "--sync.gateway.address-rate-limit.burst=1000", "--sync.stream.merge-window=0ms",
                "--logging.level.io.syncd.gateway.requests=WARN");
        TomcatWebServer web = (TomcatWebServer) ((WebServerApplicationContext) server.context()).getWebServer();
        // For the connections accepted from now on.
        web.getTomcat().getConnector().setProperty("socket.txBufSize", "4096");
        api = new Api("http://127.0.0.1:" + web.getPort());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void devicesThatNeverReadTheirStreamsDoNotHoldBackAnotherDevicesEvents() throws Exception {
        Api.Device reader = api.newDevice();
        Api.Device writer = api.sibling(reader);
        List<Socket> neverReading = new ArrayList<>();
        try (EventStream stream = EventStream.open(api, reader)) {
            stream.next(Duration.ofSeconds(5));
            for (int i = 0; i < NEVER_READING; i++) {
                neverReading.add(openNeverReading(api.sibling(reader)));
            }

            for (int i = 0; i < CHANGES; i++) {
                Api.Response pushed = api.push(writer, upsert("books", UUID.randomUUID(), 0, book("change " + i)));
                assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
                // Blocked writers would hold it back for good: the bound only has to outlast a slow machine.
                assertThat(stream.next(Duration.ofSeconds(30)).name()).as("the event of change %d", i)
                        .isEqualTo("changed");
            }
        } finally {
            for (Socket socket : neverReading) {
                socket.close();
            }
        }
    }

    /** A stream whose device reads its first event and nothing more, with a small receive buffer. */
    private static Socket openNeverReading(Api.Device device) throws IOException {
        URI base = URI.create(api.baseUrl());
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(1024);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/sync/stream HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nAuthorization: Bearer " + device.token() + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            int data = -1;
            while (data < 0 || answer.indexOf("\n\n", data) < 0) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the stream ended before its first event: " + answer);
                }
                answer.append((char) b);
                data = answer.indexOf("\ndata:");
            }
            assertThat(answer.toString()).startsWith("HTTP/1.1 200");
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }
}

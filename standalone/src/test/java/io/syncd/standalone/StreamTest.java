package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.gateway.stream.StreamHub;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The change stream, {@code GET /api/sync/stream} (PROTOCOL.md, "Real-time"), as a device reads it. */
class StreamTest {
    private static final Duration AT_ONCE = Duration.ofSeconds(5);
    private static final List<String> ALL_TABLES = List.of("books", "events", "notes", "schedule_drawings");

    private final Api api = TestServer.api();

    @Test
    void withoutLastEventIdTheFirstEventIsChangedForEveryTableAtOnceUnbufferedAndUncompressed() {
        Api.Device device = api.newDevice();
        try (EventStream stream = EventStream.open(api, device, null, "Accept-Encoding", "gzip, zstd")) {
            EventStream.Event first = stream.next(AT_ONCE);

            assertThat(first.name()).isEqualTo("changed");
            assertThat(first.id()).isNotBlank();
            assertThat(tables(first)).containsExactlyInAnyOrderElementsOf(ALL_TABLES);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(stream.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(stream.headers().firstValue("X-Accel-Buffering")).hasValue("no");
            assertThat(stream.headers().firstValue("Connection")).hasValue("close");
            assertThat(stream.headers().firstValue("Content-Encoding").orElse("identity")).isEqualTo("identity");
        }
    }

    @Test
    void aStaleOrGarbageLastEventIdGetsChangedAndTheCurrentOneGetsReady() {
        Api.Device device = api.newDevice();
        api.push(device, upsert("books", UUID.randomUUID(), 0, book("before")));
        String current;
        try (EventStream stream = EventStream.open(api, device)) {
            current = stream.next(AT_ONCE).id();
        }

        // A token names the account's change sequence; "0.1" is this account's before its first change.
        for (String stale : new String[] {"garbage", "", "0.1", "-1.z", "99999999999.1", current + "!",
                current.substring(0, current.indexOf('.')), "1".repeat(60)}) {
            try (EventStream stream = EventStream.open(api, device, stale)) {
                EventStream.Event first = stream.next(AT_ONCE);
                assertThat(first.name()).as("Last-Event-ID %s", stale).isEqualTo("changed");
                assertThat(tables(first)).containsExactlyInAnyOrderElementsOf(ALL_TABLES);
            }
        }
        try (EventStream stream = EventStream.open(api, device, current)) {
            EventStream.Event first = stream.next(AT_ONCE);
            assertThat(first.name()).isEqualTo("ready");
            assertThat(first.data()).isEqualTo("{}");
            assertThat(first.id()).isNotBlank();
        }

        api.push(device, upsert("books", UUID.randomUUID(), 0, book("after")));
        try (EventStream stream = EventStream.open(api, device, current)) {
            assertThat(stream.next(AT_ONCE).name()).as("a change was decided since").isEqualTo("changed");
        }
    }

    @Test
    void aChangeReachesEveryStreamOfItsAccountWithItsTableAndANewIdAndNoOtherAccount() throws Exception {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        Api.Device laptop = api.sibling(phone);
        Api.Device stranger = api.newDevice();
        try (EventStream phoneStream = EventStream.open(api, phone);
             EventStream tabletStream = EventStream.open(api, tablet);
             EventStream strangerStream = EventStream.open(api, stranger)) {
            List<EventStream> mine = List.of(phoneStream, tabletStream);
            Set<String> ids = ConcurrentHashMap.newKeySet();
            for (EventStream stream : mine) {
                ids.add(stream.next(AT_ONCE).id());
            }
            strangerStream.next(AT_ONCE);

            UUID bookId = UUID.randomUUID();
            assertThat(api.push(laptop, upsert("books", bookId, 0, book("shared"))).status()).isEqualTo(200);
            for (EventStream stream : mine) {
                EventStream.Event changed = stream.next(AT_ONCE);
                assertThat(changed.name()).isEqualTo("changed");
                assertThat(tables(changed)).containsExactly("books");
                assertThat(ids.add(changed.id())).as("a new id: %s", changed.id()).isTrue();
            }

            assertThat(api.push(laptop, upsert("events", UUID.randomUUID(), 0, event(bookId, "visit"))).status())
                    .isEqualTo(200);
            for (EventStream stream : mine) {
                EventStream.Event changed = stream.next(AT_ONCE);
                assertThat(changed.name()).isEqualTo("changed");
                assertThat(tables(changed)).containsExactly("events");
                assertThat(ids.add(changed.id())).as("a new id: %s", changed.id()).isTrue();
            }

            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> strangerStream.pending() == 0);
            assertThat(strangerStream.ended()).isFalse();
        }
    }

    @Test
    void aDeviceThatPullsOnEachChangedEventGetsEveryOneOfAThousandChanges() throws Exception {
        Api.Device reader = api.newDevice();
        Api.Device writer = api.sibling(reader);
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicInteger changedEvents = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (EventStream stream = EventStream.open(api, reader)) {
            // The device: on changed, pull until has_more is false; no other pull.
            Thread device = new Thread(() -> {
                String cursor = null;
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        EventStream.Event event = stream.poll(Duration.ofMillis(200));
                        if (event != null && event.name().equals("changed")) {
                            changedEvents.incrementAndGet();
                            Api.Pulled pulled = api.pullAll(reader, cursor);
                            pulled.records().forEach(r -> received.add(r.get("record_id").stringValue()));
                            cursor = pulled.cursor();
                        }
                    }
                } catch (InterruptedException e) {
                    // done
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "device-reacting-to-events");
            device.start();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                // Four writers at once, so that decisions come close together and events merge.
                Set<String> pushed = ConcurrentHashMap.newKeySet();
                long start = System.nanoTime();
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int writerNo = w;
                    writers.add(CompletableFuture.runAsync(() -> {
                        for (int push = 0; push < 5; push++) {
                            ObjectNode[] changes = new ObjectNode[50];
                            for (int i = 0; i < changes.length; i++) {
                                UUID id = UUID.randomUUID();
                                pushed.add(id.toString());
                                changes[i] = upsert("books", id, 0, book("book " + writerNo + "." + push + "." + i));
                            }
                            Api.Response response = api.push(writer, changes);
                            assertThat(response.status()).as(response.text()).isEqualTo(200);
                        }
                    }, pool));
                }
                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                long pushMillis = (System.nanoTime() - start) / 1_000_000;

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(failure.get()).isNull();
                    assertThat(received.size()).as("records the device has").isEqualTo(1000);
                });
                assertThat(received).isEqualTo(pushed);
                System.out.printf("1000 changes pushed in %d ms; the device got %d changed events%n", pushMillis,
                        changedEvents.get());
            } finally {
                device.interrupt();
                device.join(10_000);
                pool.shutdown();
            }
        }
    }

    @Test
    void anIdleStreamGetsAPingEveryHeartbeat() {
        Api.Device device = api.newDevice();
        try (EventStream stream = EventStream.open(api, device)) {
            stream.next(AT_ONCE);
            // The shared server beats every 500 ms.
            await().atMost(Duration.ofSeconds(4)).until(() -> stream.pings() >= 3);
            assertThat(stream.pending()).isZero();
            assertThat(stream.ended()).isFalse();
        }
    }

    @Test
    void aRevokedDevicesStreamIsClosedWithinTwoSeconds() {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        try (EventStream phoneStream = EventStream.open(api, phone);
             EventStream tabletStream = EventStream.open(api, tablet)) {
            phoneStream.next(AT_ONCE);
            tabletStream.next(AT_ONCE);

            Api.Response revoke = api.delete("/api/devices/" + phone.deviceId(), tablet.token());
            long revoked = System.nanoTime();
            assertThat(revoke.status()).as(revoke.text()).isBetween(200, 299);

            await().pollInterval(Duration.ofMillis(20)).atMost(Duration.ofMillis(2300)).until(phoneStream::ended);
            System.out.printf("revoked device's stream closed %d ms after the revocation's answer%n",
                    (System.nanoTime() - revoked) / 1_000_000);
            assertThat(tabletStream.ended()).as("the sibling's stream stays open").isFalse();
        }
    }

    /** The operator console's account page counts each device's open streams (those of the gateway beside it). */
    @Test
    void theConsoleShowsEachDevicesOpenStreams() {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        try (EventStream first = EventStream.open(api, phone); EventStream second = EventStream.open(api, phone)) {
            first.next(AT_ONCE);
            second.next(AT_ONCE);
            assertThat(consoleStreams(phone)).containsEntry(phone.deviceId(), 2).containsEntry(tablet.deviceId(), 0);
        }
        await("the left streams no longer counted").atMost(Duration.ofSeconds(30))
                .until(() -> consoleStreams(phone).get(phone.deviceId()) == 0);
    }

    /** Device id → {@code open_streams} on the console's page of the device's account. */
    private Map<String, Integer> consoleStreams(Api.Device device) {
        Api.Response detail = api.get("/api/admin/accounts/" + device.accountId(), TestServer.ADMIN_TOKEN);
        assertThat(detail.status()).as(detail.text()).isEqualTo(200);
        Map<String, Integer> streams = new HashMap<>();
        detail.body().get("devices").forEach(d -> streams.put(d.get("device_id").stringValue(),
                d.get("open_streams").intValue()));
        return streams;
    }

    /**
     * Opening and leaving a stream over and over leaks nothing: every stream is forgotten (the hub's count is 0) and
     * the heap does not grow. A device leaves by closing the response; the server sees the end of the stream's input.
     */
    @Test
    void tenThousandConnectsAndDisconnectsLeaveNoStreamOpenAndNoHeapGrowth() throws Exception {
        StreamHub hub = TestServer.server().context().getBean(StreamHub.class);
        List<Api.Device> devices = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            devices.add(api.newDevice());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.openStreams() == 0);
        cycles(devices, 500); // warm up: classes, pools, JIT
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.openStreams() == 0);
        long before = usedHeapAfterGc();

        int cycles = 10_000;
        long start = System.nanoTime();
        int maxOpen = cycles(devices, cycles);
        long millis = (System.nanoTime() - start) / 1_000_000;
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.openStreams() == 0);
        long after = usedHeapAfterGc();

        System.out.printf("%d stream connect/disconnect cycles in %d ms (%.2f ms each), at most %d open at once; "
                        + "used heap after GC %d MB -> %d MB (%+d KB)%n", cycles, millis, (double) millis / cycles,
                maxOpen, before >> 20, after >> 20, (after - before) >> 10);
        assertThat(after - before).as("heap growth in bytes").isLessThan(32L << 20);
    }

    /**
     * An idle stream costs the server little heap (ARCHITECTURE.md, "How a change stream is held"; the target is 20 KB):
     * five thousand streams, held open and never read after their first event as devices in the background hold them,
     * grow the heap after a GC by less than 20 KB each, the test's own sockets included (they share this JVM). So many,
     * that the few megabytes the shared server's heap moves by between two GCs weigh little.
     */
    @Test
    void fiveThousandIdleStreamsCostUnderTwentyKilobytesOfHeapEach() throws Exception {
        StreamHub hub = TestServer.server().context().getBean(StreamHub.class);
        List<Api.Device> devices = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            devices.add(api.newDevice());
        }
        int streams = 5000;
        int openBefore = hub.openStreams();
        List<Socket> idle = new ArrayList<>();
        try {
            long before = usedHeapAfterGc();
            for (int i = 0; i < streams; i++) {
                idle.add(idleStream(devices.get(i % devices.size())));
            }
            assertThat(hub.openStreams()).isGreaterThanOrEqualTo(openBefore + streams);
            double kilobytesEach = (usedHeapAfterGc() - before) / 1024.0 / streams;

            System.out.printf("%d idle streams: %.2f KB of heap each%n", streams, kilobytesEach);
            assertThat(kilobytesEach).isLessThan(20);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        await("the closed streams forgotten").atMost(Duration.ofSeconds(30))
                .until(() -> hub.openStreams() <= openBefore);
    }

    /** A stream opened on a plain socket (a few hundred bytes of this JVM's heap), read up to its first event. */
    private Socket idleStream(Api.Device device) throws Exception {
        URI server = URI.create(api.baseUrl());
        Socket socket = new Socket(server.getHost(), server.getPort());
        try {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/sync/stream HTTP/1.1\r\nHost: " + server.getAuthority()
                    + "\r\nAuthorization: Bearer " + device.token() + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader lines = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8), 256);
            assertThat(lines.readLine()).startsWith("HTTP/1.1 200");
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("data:")) {
                // headers, then the first event's name and id
            }
            assertThat(line).as("the first event's data").isNotNull();
            return socket;
        } catch (Exception | AssertionError e) {
            socket.close();
            throw e;
        }
    }

    /** Opens a stream, reads its first event and leaves, {@code cycles} times; returns the most streams seen open. */
    private int cycles(List<Api.Device> devices, int cycles) throws Exception {
        StreamHub hub = TestServer.server().context().getBean(StreamHub.class);
        int maxOpen = 0;
        for (int i = 0; i < cycles; i++) {
            HttpRequest request = EventStream.request(api, devices.get(i % devices.size()), null);
            HttpResponse<InputStream> response = EventStream.send(request);
            assertThat(response.statusCode()).isEqualTo(200);
            try (InputStream body = response.body()) {
                EventStream.Event first = EventStream.nextEvent(
                        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)), new AtomicInteger());
                assertThat(first).isNotNull();
                assertThat(first.name()).isEqualTo("changed");
            }
            maxOpen = Math.max(maxOpen, hub.openStreams());
        }
        return maxOpen;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static List<String> tables(EventStream.Event event) {
        JsonNode data = Json.MAPPER.readTree(event.data());
        List<String> tables = new ArrayList<>();
        data.get("tables").forEach(t -> tables.add(t.stringValue()));
        return tables;
    }
}

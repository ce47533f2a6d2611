package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Guarantees 2–4 of ARCHITECTURE.md under concurrency, on the real pipeline. */
class GuaranteesTest {
    private final Api api = TestServer.api();

    @Test
    void twoDevicesRacingOnOneVersionApplyExactlyOne() throws Exception {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        UUID bookId = UUID.randomUUID();
        api.push(phone, upsert("books", bookId, 0, book("v1")));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<JsonNode> a = pool.submit(() -> {
                start.await();
                return api.push(phone, upsert("books", bookId, 1, book("phone"))).body().get("results").get(0);
            });
            Future<JsonNode> b = pool.submit(() -> {
                start.await();
                return api.push(tablet, upsert("books", bookId, 1, book("tablet"))).body().get("results").get(0);
            });
            start.countDown();
            List<String> statuses = List.of(a.get(30, TimeUnit.SECONDS).get("status").stringValue(),
                    b.get(30, TimeUnit.SECONDS).get("status").stringValue());

            assertThat(statuses).containsExactlyInAnyOrder("applied", "conflict");
            JsonNode record = api.pullAll(phone, null).records().get(0);
            assertThat(record.get("version").longValue()).isEqualTo(2);
            String winner = statuses.get(0).equals("applied") ? "phone" : "tablet";
            assertThat(record.get("data").get("name").stringValue()).isEqualTo(winner);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fourDevicesIncrementingOneCounterTwentyFiveTimesEachEndAtExactlyOneHundred() throws Exception {
        Api.Device first = api.newDevice();
        List<Api.Device> devices = List.of(first, api.sibling(first), api.sibling(first), api.sibling(first));
        UUID counterId = UUID.randomUUID();
        api.push(first, upsert("books", counterId, 0, book("0")));
        // Every device reads version 1 before any of them writes: exactly one first write applies on it, so each of
        // the others meets at least one conflict, however the threads are scheduled.
        List<JsonNode> startingPoints = new ArrayList<>();
        for (Api.Device device : devices) {
            startingPoints.add(api.pullAll(device, null).records().get(0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(devices.size());
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (int i = 0; i < devices.size(); i++) {
                Api.Device device = devices.get(i);
                JsonNode start = startingPoints.get(i);
                conflicts.add(pool.submit(() -> incrementTimes(device, counterId, start, 25)));
            }
            int totalConflicts = 0;
            for (Future<Integer> f : conflicts) {
                totalConflicts += f.get(5, TimeUnit.MINUTES);
            }

            assertThat(totalConflicts).as("lost races became conflicts").isGreaterThanOrEqualTo(devices.size() - 1);
            JsonNode counter = api.pullAll(first, null).records().get(0);
            assertThat(counter.get("data").get("name").stringValue()).isEqualTo("100");
            assertThat(counter.get("version").longValue()).isEqualTo(101);
            int answeredConflicts = totalConflicts;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode decided = api.get("/api/sync/stats", first.token()).body().get("totals");
                assertThat(decided.get("conflicts").longValue()).as("conflicts the server decided")
                        .isEqualTo(answeredConflicts);
                assertThat(decided.get("applied").longValue()).as("the create and 100 increments").isEqualTo(101);
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Read-modify-write from {@code current} with retry on conflict, as a client does; returns how many conflicts it
     * met.
     */
    private int incrementTimes(Api.Device device, UUID counterId, JsonNode current, int times) {
        int conflicts = 0;
        int done = 0;
        while (done < times) {
            long version = current.get("version").longValue();
            int value = Integer.parseInt(current.get("data").get("name").stringValue());
            JsonNode result = api.push(device, upsert("books", counterId, version, book(Integer.toString(value + 1))))
                    .body().get("results").get(0);
            switch (result.get("status").stringValue()) {
                case "applied" -> {
                    done++;
                    ObjectNode next = Json.MAPPER.createObjectNode();
                    next.put("version", result.get("version").longValue());
                    next.set("data", book(Integer.toString(value + 1)));
                    current = next;
                }
                case "conflict" -> {
                    conflicts++;
                    current = result.get("server_record");
                }
                default -> throw new AssertionError("unexpected result " + result);
            }
        }
        return conflicts;
    }

    @Test
    void theSameChangeIdPushedFiveTimesConcurrentlyIsAppliedOnce() throws Exception {
        Api.Device device = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(device, upsert("books", bookId, 0, book("v1")));
        UUID changeId = UUID.randomUUID();
        ObjectNode change = Api.change(changeId, "books", "upsert", bookId, 1, book("v2"));
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Callable<JsonNode>> pushes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                pushes.add(() -> api.push(device, change).body().get("results").get(0));
            }
            List<JsonNode> results = new ArrayList<>();
            for (Future<JsonNode> f : pool.invokeAll(pushes)) {
                results.add(f.get());
            }
            JsonNode again = api.push(device, change).body().get("results").get(0);

            assertThat(results).allSatisfy(r -> {
                assertThat(r.get("status").stringValue()).isEqualTo("applied");
                assertThat(r.get("version").longValue()).isEqualTo(2);
            });
            assertThat(again.get("version").longValue()).isEqualTo(2);
            assertThat(api.pullAll(device, null).records().get(0).get("version").longValue()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReaderPullingWhileWritersCommitOnSeveralTablesEndsWithEveryCommittedChange() throws Exception {
        Api.Device reader = api.newDevice();
        int writers = 4;
        int rounds = 15;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        AtomicBoolean writing = new AtomicBoolean(true);
        Map<String, Long> latestSeen = new ConcurrentHashMap<>();
        try {
            Future<String> pulling = pool.submit(() -> {
                String cursor = null;
                while (writing.get()) {
                    Api.Pulled page = api.pullAll(reader, cursor);
                    page.records().forEach(r -> latestSeen.merge(r.get("record_id").stringValue(),
                            r.get("version").longValue(), Math::max));
                    cursor = page.cursor();
                }
                return cursor;
            });
            List<Future<Map<String, Long>>> written = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Api.Device writer = api.sibling(reader);
                written.add(pool.submit(() -> writeBooksAndEvents(writer, rounds)));
            }
            Map<String, Long> finalVersions = new HashMap<>();
            for (Future<Map<String, Long>> f : written) {
                finalVersions.putAll(f.get(5, TimeUnit.MINUTES));
            }
            writing.set(false);
            String cursor = pulling.get(1, TimeUnit.MINUTES);
            api.pullAll(reader, cursor).records().forEach(r -> latestSeen.merge(r.get("record_id").stringValue(),
                    r.get("version").longValue(), Math::max));

            assertThat(latestSeen).containsAllEntriesOf(finalVersions);
            assertThat(latestSeen).hasSameSizeAs(finalVersions);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Creates a book and events, then updates them; returns every record's final version. */
    private Map<String, Long> writeBooksAndEvents(Api.Device writer, int rounds) {
        Map<String, Long> versions = new HashMap<>();
        UUID bookId = UUID.randomUUID();
        List<UUID> events = new ArrayList<>();
        api.push(writer, upsert("books", bookId, 0, book("b")));
        versions.put(bookId.toString(), 1L);
        for (int i = 0; i < rounds; i++) {
            UUID eventId = UUID.randomUUID();
            events.add(eventId);
            long bookVersion = versions.get(bookId.toString());
            JsonNode results = api.push(writer, upsert("events", eventId, 0, event(bookId, "e" + i)),
                    upsert("books", bookId, bookVersion, book("b" + i))).body().get("results");
            assertThat(results).extracting(r -> r.get("status").stringValue()).containsOnly("applied");
            versions.put(eventId.toString(), 1L);
            versions.put(bookId.toString(), bookVersion + 1);
        }
        return versions;
    }
}

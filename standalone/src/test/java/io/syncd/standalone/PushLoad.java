package io.syncd.standalone;

import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Devices pushing without pause over HTTP while a test breaks things. Each push creates a book and an event in it and
 * edits two of the device's earlier books at the version it last saw. A push that is not acknowledged (503, no answer) is sent again unchanged, as the client SDK does, until the gateway acknowledges it: so after
 * {@link #stop()} every change sent was acknowledged, and sync_log must hold exactly those.
 */
final class PushLoad implements AutoCloseable {
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(120);

    private final Api api;
    private final List<Api.Device> devices = new ArrayList<>();
    private final Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> httpAnswers = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> changeAnswers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final ExecutorService threads;
    private final List<Future<?>> loops = new ArrayList<>();
    private volatile boolean running;

    /** Registers {@code devices} devices, each in an account of its own. */
    PushLoad(Api api, int devices) {
        this.api = api;
        for (int i = 0; i < devices; i++) {
            this.devices.add(api.newDevice());
        }
        this.threads = Executors.newFixedThreadPool(devices);
    }

    PushLoad start() {
        running = true;
        for (int i = 0; i < devices.size(); i++) {
            Api.Device device = devices.get(i);
            Random random = new Random(i);
            loops.add(threads.submit(() -> {
                push(device, random);
                return null;
            }));
        }
        return this;
    }

    /** Waits (bounded) until the gateway has acknowledged {@code changes} changes more than now: the load flows. */
    void awaitProgress(int changes, Duration within) {
        int target = acknowledged.size() + changes;
        await("the gateway acknowledging " + changes + " more changes").atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> acknowledged.size() >= target || !unexpected.isEmpty());
    }

    /** Stops pushing: each device finishes its push, sending it again until acknowledged (bounded). */
    void stop() throws InterruptedException, ExecutionException {
        running = false;
        long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
        for (Future<?> loop : loops) {
            try {
                loop.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("a device's push was not acknowledged within " + STOP_LIMIT + " of stopping; "
                        + summary(), e);
            }
        }
    }

    List<String> accountIds() {
        return devices.stream().map(Api.Device::accountId).toList();
    }

    Set<UUID> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    /** Answers that were neither 200 nor 503: each one is a failure of the server. */
    List<String> unexpectedAnswers() {
        return List.copyOf(unexpected);
    }

    /** How many pushes were answered with this HTTP status ("200", "503") or got no answer ("io-error"). */
    long pushesAnswered(String answer) {
        LongAdder adder = httpAnswers.get(answer);
        return adder == null ? 0 : adder.sum();
    }

    /** How pushes and changes were answered, e.g. {@code pushes 200=412, 503=7, io-error=3; changes applied=1500, …}. */
    String summary() {
        return "pushes " + String.join(", ", tallies(httpAnswers)) + "; changes " + String.join(", ", tallies(changeAnswers));
    }

    private static List<String> tallies(Map<String, LongAdder> counts) {
        return new TreeMap<>(counts).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().sum()).toList();
    }

    @Override
    public void close() {
        running = false;
        threads.shutdownNow();
    }

    private void push(Api.Device device, Random random) {
        Map<UUID, Long> books = new HashMap<>();
        List<UUID> bookIds = new ArrayList<>();
        while (running) {
            UUID book = UUID.randomUUID();
            List<ObjectNode> changes = new ArrayList<>();
            changes.add(Api.upsert("books", book, 0, Api.book("book")));
            changes.add(Api.upsert("events", UUID.randomUUID(), 0, Api.event(book, "event")));
            if (bookIds.size() >= 2) {
                int first = random.nextInt(bookIds.size());
                int second = (first + 1 + random.nextInt(bookIds.size() - 1)) % bookIds.size();
                for (UUID edited : List.of(bookIds.get(first), bookIds.get(second))) {
                    changes.add(Api.upsert("books", edited, books.get(edited), Api.book("edit")));
                }
            }
            JsonNode results = sendUntilAcknowledged(device, changes);
            if (results == null) {
                return;
            }
            books.put(book, 0L);
            bookIds.add(book);
            for (JsonNode result : results) {
                String status = result.get("status").stringValue();
                tally(changeAnswers, status);
                if (!result.get("table").stringValue().equals("books")) {
                    continue;
                }
                UUID recordId = UUID.fromString(result.get("record_id").stringValue());
                if (status.equals("applied")) {
                    books.put(recordId, result.get("version").longValue());
                } else if (status.equals("conflict") && result.get("server_record").isObject()) {
                    books.put(recordId, result.get("server_record").get("version").longValue());
                }
            }
        }
    }

    /** The push's results once acknowledged; null after an answer that is neither 200 nor 503. */
    private JsonNode sendUntilAcknowledged(Api.Device device, List<ObjectNode> changes) {
        ObjectNode[] body = changes.toArray(ObjectNode[]::new);
        while (true) {
            Api.Response response;
            try {
                response = api.push(device, body);
            } catch (UncheckedIOException e) {
                tally(httpAnswers, "io-error");
                awaitGatewayAnswering();
                continue;
            }
            tally(httpAnswers, Integer.toString(response.status()));
            if (response.status() == 200) {
                changes.forEach(c -> acknowledged.add(UUID.fromString(c.get("change_id").stringValue())));
                return response.body().get("results");
            }
            if (response.status() != 503) {
                unexpected.add(response.status() + " " + response.text());
                return null;
            }
            awaitGatewayAnswering();
        }
    }

    private static void tally(Map<String, LongAdder> counts, String answer) {
        counts.computeIfAbsent(answer, a -> new LongAdder()).increment();
    }

    /**
     * Before sending again: waits (bounded) until the gateway answers at all, probing no faster than a client retries,
     * so a killed or restarting gateway is not hammered and a 503 is not retried in a tight loop.
     */
    private void awaitGatewayAnswering() {
        await("the gateway answering again").pollDelay(RETRY_PAUSE).pollInterval(RETRY_PAUSE).atMost(STOP_LIMIT)
                .until(this::gatewayAnswers);
    }

    private boolean gatewayAnswers() {
        try {
            api.get("/health", null);
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }
}

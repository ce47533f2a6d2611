package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code "wait_ms"} on pull and full (PROTOCOL.md, "Long-poll"): a pull at the head held until a change comes. */
class LongPollTest {
    private final Api api = TestServer.api();

    /** An answer and how long it took. */
    private record Timed(Api.Response response, long millis) {
    }

    @Test
    void aHeldPullAnswersWithTheRecordSoonAfterAnotherDevicePushesIt() throws Exception {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        String head = api.pullAll(phone, null).cursor();

        CompletableFuture<Timed> held = heldPost("/api/sync/pull", phone, pull(head, 10_000));
        awaitHeld();
        UUID bookId = UUID.randomUUID();
        assertThat(api.push(tablet, upsert("books", bookId, 0, book("while held"))).status()).isEqualTo(200);
        long pushed = System.nanoTime();
        Timed answer = held.get(15, TimeUnit.SECONDS);
        long afterPush = (System.nanoTime() - pushed) / 1_000_000;

        assertThat(answer.response().status()).as(answer.response().text()).isEqualTo(200);
        assertThat(answer.response().body().get("changes")).extracting(r -> r.get("record_id").stringValue())
                .containsExactly(bookId.toString());
        assertThat(answer.millis()).as("well before wait_ms").isLessThan(5_000);
        System.out.printf("held pull answered %d ms after the push's answer (%d ms in all)%n", afterPush,
                answer.millis());
    }

    @Test
    void aHeldPullWithNothingDecidedAnswersAnEmptyPageWhenTheWaitIsOver() throws Exception {
        Api.Device device = api.newDevice();
        String head = api.pullAll(device, null).cursor();

        Timed answer = heldPost("/api/sync/pull", device, pull(head, 600)).get(15, TimeUnit.SECONDS);

        assertThat(answer.response().status()).as(answer.response().text()).isEqualTo(200);
        assertThat(answer.response().body().get("changes")).isEmpty();
        assertThat(answer.response().body().get("has_more").booleanValue()).isFalse();
        assertThat(answer.millis()).isGreaterThanOrEqualTo(600);
    }

    @Test
    void aPullOfOtherTablesIsNotWokenByABooksChange() throws Exception {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        String head = api.pullAll(phone, null, "events").cursor();
        ObjectNode body = pull(head, 1500);
        body.putArray("tables").add("events");

        CompletableFuture<Timed> held = heldPost("/api/sync/pull", phone, body);
        awaitHeld();
        assertThat(api.push(tablet, upsert("books", UUID.randomUUID(), 0, book("not an event"))).status())
                .isEqualTo(200);
        Timed answer = held.get(15, TimeUnit.SECONDS);

        assertThat(answer.response().status()).as(answer.response().text()).isEqualTo(200);
        assertThat(answer.response().body().get("changes")).isEmpty();
        assertThat(answer.millis()).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void aFullSyncWithWaitMsIsHeldToo() throws Exception {
        Api.Device phone = api.newDevice();
        Api.Device tablet = api.sibling(phone);
        String head = api.pullAll(phone, null).cursor();
        ObjectNode body = pull(head, 10_000);

        CompletableFuture<Timed> held = heldPost("/api/sync/full", phone, body);
        awaitHeld();
        UUID bookId = UUID.randomUUID();
        assertThat(api.push(tablet, upsert("books", bookId, 0, book("while held"))).status()).isEqualTo(200);
        Timed answer = held.get(15, TimeUnit.SECONDS);

        assertThat(answer.response().status()).as(answer.response().text()).isEqualTo(200);
        assertThat(answer.response().body().get("results")).isEmpty();
        assertThat(answer.response().body().get("changes")).extracting(r -> r.get("record_id").stringValue())
                .containsExactly(bookId.toString());
        assertThat(answer.millis()).as("well before wait_ms").isLessThan(5_000);
    }

    @Test
    void waitMsOutOfRangeIsAnInvalidRequestNamingIt() {
        Api.Device device = api.newDevice();
        for (String path : new String[] {"/api/sync/pull", "/api/sync/full"}) {
            for (String waitMs : new String[] {"30001", "-1", "\"100\"", "1.5"}) {
                Api.Response response = api.post(path, device.token(), "{\"cursor\":null,\"wait_ms\":" + waitMs + "}");
                assertThat(response.status()).as(path + " wait_ms " + waitMs + ": " + response.text()).isEqualTo(400);
                assertThat(response.code()).isEqualTo("invalid_request");
                assertThat(response.body().get("errors")).extracting(e -> e.get("field").stringValue())
                        .containsExactly("wait_ms");
            }
        }
        api.push(device, upsert("books", UUID.randomUUID(), 0, book("to return")));
        Api.Response longest = api.post("/api/sync/pull", device.token(), "{\"cursor\":null,\"wait_ms\":30000}");
        assertThat(longest.status()).as("30000 is allowed, and a pull with changes to return is not held")
                .isEqualTo(200);
    }

    private static ObjectNode pull(String cursor, int waitMs) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("cursor", cursor);
        body.put("wait_ms", waitMs);
        return body;
    }

    private CompletableFuture<Timed> heldPost(String path, Api.Device device, JsonNode body) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            Api.Response response = api.post(path, device.token(), body);
            return new Timed(response, (System.nanoTime() - start) / 1_000_000);
        });
    }

    /** Until the server holds a pull (tests run one at a time: it is this test's). */
    private void awaitHeld() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> PrometheusScrape.of(api).sum("syncd_pulls_held") >= 1);
    }
}

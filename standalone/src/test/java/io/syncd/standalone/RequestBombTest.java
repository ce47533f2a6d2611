package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

/**
 * A small request must not take the server down: what is limited is the decoded body (a 64 KB gzip body inflates to
 * 66 MB of {@code {},}), the calls anyone may make have a small limit, and no body can make a JSON tree of millions of
 * nodes. Meanwhile, real devices keep syncing.
 */
class RequestBombTest {
    /** 66 MB of {@code {},} once inflated (22 million empty objects), about 64 KB as sent. */
    private static final byte[] BOMB = gzip("[", "{},", 22_000_000, "{}]");
    /** The same inside a push: {@code {"changes":[{},{},…]}}, from a device with a token. */
    private static final byte[] PUSH_BOMB = gzip("{\"changes\":[", "{},", 22_000_000, "{}]}");
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

    private final Api api = TestServer.api();

    private static byte[] gzip(String head, String unit, int count, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out, 1 << 16)) {
            zip.write(head.getBytes(StandardCharsets.UTF_8));
            byte[] chunk = unit.repeat(10_000).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < count / 10_000; i++) {
                zip.write(chunk);
            }
            zip.write(tail.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private Api.Response send(String path, String token, byte[] gzipped) {
        return api.send(api.request(path, token).timeout(ANSWER_WITHIN).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)).build());
    }

    @Test
    void aCompressedBombToTheCallsWithoutATokenIsRefusedAtTheirSmallLimit() {
        assertThat(BOMB.length).as("what crosses the wire").isLessThan(100_000);
        for (String path : new String[] {"/api/accounts", "/api/devices/register"}) {
            Api.Response response = send(path, null, BOMB);
            assertThat(response.status()).as(path + ": " + response.text()).isEqualTo(413);
            assertThat(response.code()).isEqualTo("payload_too_large");
        }
    }

    @Test
    void twentyBombsAtOnceAreRefusedWhileADeviceKeepsPushingAndTheServerStaysHealthy() {
        Api.Device device = api.newDevice();
        List<CompletableFuture<Api.Response>> bombs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String path = i % 2 == 0 ? "/api/accounts" : "/api/devices/register";
            bombs.add(CompletableFuture.supplyAsync(() -> send(path, null, BOMB)));
        }
        int pushes = 0;
        while (pushes < 5 || bombs.stream().anyMatch(bomb -> !bomb.isDone())) {
            Api.Response push = api.push(device, upsert("books", UUID.randomUUID(), 0, book("during the bombs " + pushes)));
            assertThat(push.status()).as(push.text()).isEqualTo(200);
            assertThat(push.body().get("results").get(0).get("status").stringValue()).isEqualTo("applied");
            Api.Response health = api.get("/health", null);
            assertThat(health.status()).as(health.text()).isEqualTo(200);
            pushes++;
        }
        for (CompletableFuture<Api.Response> bomb : bombs) {
            assertThat(bomb.join().status()).as(bomb.join().text()).isEqualTo(413);
        }
    }

    @Test
    void aDevicesBombIsRefusedBeforeItBecomesATreeOfMillionsOfNodes() {
        Api.Device device = api.newDevice();

        Api.Response response = send("/api/sync/push", device.token(), PUSH_BOMB);

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("invalid_request");
        assertThat(response.body().get("detail").stringValue()).contains("more than 100000 JSON values");
        assertThat(api.get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void nestingDeeperThan100IsRefused() {
        Api.Device device = api.newDevice();
        String deep = "[".repeat(101) + "]".repeat(101);
        String push = "{\"changes\":[{\"change_id\":\"" + UUID.randomUUID() + "\",\"table\":\"notes\",\"op\":\"upsert\","
                + "\"record_id\":\"" + UUID.randomUUID() + "\",\"base_version\":0,\"data\":{\"event_id\":\""
                + UUID.randomUUID() + "\",\"strokes\":" + deep + "}}]}";

        Api.Response response = api.post("/api/sync/push", device.token(), push);

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.body().get("detail").stringValue()).contains("nesting depth");
    }
}

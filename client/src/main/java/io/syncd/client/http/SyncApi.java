package io.syncd.client.http;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.syncd.client.Account;
import io.syncd.client.Device;
import io.syncd.client.RetryPolicy;
import io.syncd.client.SyncException;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The sync server's endpoints (PROTOCOL.md), one method each; answers are the protocol's JSON. */
public final class SyncApi {
    /**
     * The {@code strokes_format} of every pull, push and resolution: strokes travel as {@code strokes_ink}, the form
     * the store keeps, so neither side tokenizes stroke numbers.
     */
    private static final String INK = "ink";
    private final HttpJson http;
    private final Duration requestTimeout;

    /** A device's credentials as the server issued them at registration. */
    public record Registered(String deviceId, String accountId, String deviceToken, Instant registeredAt) {
        @Override
        public String toString() {
            return "Registered[deviceId=" + deviceId + ", accountId=" + accountId + "]";
        }
    }

    public SyncApi(URI server, Duration connectTimeout, Duration requestTimeout, RetryPolicy retries, Clock clock,
                   SSLContext sslContext) {
        this.requestTimeout = requestTimeout;
        this.http = new HttpJson(server, connectTimeout, requestTimeout, retries, clock, sslContext, new SecureRandom(),
                wait -> Thread.sleep(wait.toMillis()));
    }

    /** {@code POST /api/accounts}; the admin token is needed only when the server's signup is {@code admin}. */
    public Account createAccount(String name, String adminToken) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
        JsonNode answer = required(http.send("POST", "/api/accounts", adminToken, body, false));
        return new Account(answer.get("account_id").asString(), answer.get("enrollment_key").asString());
    }

    /** {@code POST /api/devices/register}. */
    public Registered register(String enrollmentKey, String deviceName, String platform) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("enrollment_key", enrollmentKey)
                .put("device_name", deviceName);
        if (platform != null) {
            body.put("platform", platform);
        }
        JsonNode answer = required(http.send("POST", "/api/devices/register", null, body, false));
        return new Registered(answer.get("device_id").asString(), answer.get("account_id").asString(),
                answer.get("device_token").asString(), Instant.parse(answer.get("registered_at").asString()));
    }

    /**
     * {@code POST /api/devices/register} with an identity provider's ID token instead of an enrollment key: the
     * account linked to the token's identity (made at first sign-in, when the server makes accounts).
     */
    public Registered registerWithIdToken(String idToken, String deviceName, String platform) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id_token", idToken).put("device_name", deviceName);
        if (platform != null) {
            body.put("platform", platform);
        }
        JsonNode answer = required(http.send("POST", "/api/devices/register", null, body, false));
        return new Registered(answer.get("device_id").asString(), answer.get("account_id").asString(),
                answer.get("device_token").asString(), Instant.parse(answer.get("registered_at").asString()));
    }

    /** {@code POST /api/accounts/identities}: links the ID token's identity to the device's account. */
    public void linkIdentity(String token, String idToken) {
        http.send("POST", "/api/accounts/identities", token, Json.MAPPER.createObjectNode().put("id_token", idToken),
                true);
    }

    /** {@code POST /api/devices/revoke-all}: every device of the account is revoked, this one too. Safe to repeat. */
    public void revokeAllDevices(String token) {
        http.send("POST", "/api/devices/revoke-all", token, null, true);
    }

    /**
     * {@code POST /api/accounts/enrollment-key}: the account's new enrollment key; the old one stops working. Repeated
     * after a lost answer: the key that answer carried was replaced by the next, and is lost either way.
     */
    public String rotateEnrollmentKey(String token) {
        return required(http.send("POST", "/api/accounts/enrollment-key", token, null, true))
                .get("enrollment_key").asString();
    }

    /** {@code POST /api/sync/push}: one result per change, in request order. Safe to repeat: change ids decide once. */
    public List<JsonNode> push(String token, List<ObjectNode> changes) {
        // Conflicts' server_record in ink, the form the store keeps.
        ObjectNode body = Json.MAPPER.createObjectNode().put("strokes_format", INK);
        ArrayNode list = body.putArray("changes");
        changes.forEach(list::add);
        JsonNode answer = required(http.send("POST", "/api/sync/push", token, body, true));
        List<JsonNode> results = new ArrayList<>();
        answer.path("results").forEach(results::add);
        if (results.size() != changes.size()) {
            throw new SyncException("the server answered " + results.size() + " results to " + changes.size()
                    + " changes");
        }
        return results;
    }

    /** {@code POST /api/sync/pull}: one page of every book; {@code changes}, {@code cursor}, {@code has_more}. */
    public JsonNode pull(String token, String cursor, List<String> tables, int limit) {
        return pull(token, cursor, tables, limit, 0, null);
    }

    /**
     * {@code POST /api/sync/pull} with {@code wait_ms} (a long-poll): a pull that would return nothing is held by the
     * server up to {@code waitMs} until it would. The request may take that much longer than others. {@code books}
     * chooses the books whose records are returned (null: every book; empty: none, only the books records).
     */
    public JsonNode pull(String token, String cursor, List<String> tables, int limit, int waitMs,
                         Collection<String> books) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (cursor == null) {
            body.putNull("cursor");
        } else {
            body.put("cursor", cursor);
        }
        ArrayNode names = body.putArray("tables");
        tables.forEach(names::add);
        body.put("limit", limit);
        body.put("strokes_format", INK);
        if (books != null) {
            ArrayNode chosen = body.putArray("books");
            books.forEach(chosen::add);
        }
        if (waitMs > 0) {
            body.put("wait_ms", waitMs);
            return required(http.send("POST", "/api/sync/pull", token, body, true,
                    requestTimeout.plusMillis(waitMs)));
        }
        return required(http.send("POST", "/api/sync/pull", token, body, true));
    }

    /**
     * {@code GET /api/sync/stream}: the account's change stream, resumed after {@code lastEventId} (null: none). One
     * attempt; {@link io.syncd.client.ServerRejectedException} for any status but 200 (404, 405 or 406 from a server
     * without streams, 503 when it holds its most), {@link io.syncd.client.ServerUnreachableException} without an
     * answer.
     */
    public EventStream stream(String token, String lastEventId) {
        return new EventStream(http.openEventStream("/api/sync/stream", token, lastEventId, requestTimeout).body());
    }

    /** {@code POST /api/sync/resolve-conflict}: one result object. Safe to repeat with the same change id. */
    public JsonNode resolve(String token, ObjectNode resolution) {
        ObjectNode body = resolution.deepCopy().put("strokes_format", INK);
        return required(http.send("POST", "/api/sync/resolve-conflict", token, body, true));
    }

    /** {@code GET /api/devices}: the account's devices, revoked ones included. */
    public List<Device> devices(String token) {
        JsonNode answer = required(http.send("GET", "/api/devices", token, null, true));
        List<Device> devices = new ArrayList<>();
        for (JsonNode device : answer.path("devices")) {
            devices.add(new Device(device.get("device_id").asString(), device.get("account_id").asString(),
                    device.get("device_name").asString(), text(device.get("platform")),
                    Instant.parse(device.get("registered_at").asString()), instant(device.get("last_sync_at")),
                    device.get("is_active").asBoolean()));
        }
        return devices;
    }

    /**
     * {@code DELETE /api/devices/{id}}: its token stops working at once. Not repeated after a lost answer: a second
     * revoke of the same device is answered 404, which would hide that the first one was done.
     */
    public void revokeDevice(String token, String deviceId) {
        http.send("DELETE", "/api/devices/" + deviceId, token, null, false);
    }

    /** {@code GET /health} answers 200 within the timeout; one attempt, never retried. */
    public boolean healthy(Duration timeout) {
        return http.status("/health", timeout) == 200;
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? null : value.asString();
    }

    private static Instant instant(JsonNode value) {
        return value == null || value.isNull() ? null : Instant.parse(value.asString());
    }

    private static JsonNode required(JsonNode answer) {
        if (answer == null || !answer.isObject()) {
            throw new SyncException("the server sent no JSON object where one was expected");
        }
        return answer;
    }
}

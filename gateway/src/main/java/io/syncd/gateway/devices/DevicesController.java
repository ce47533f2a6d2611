package io.syncd.gateway.devices;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.common.Credentials;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.web.JsonBody;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.gateway.auth.VerifiedTokens;
import io.syncd.gateway.identity.IdentitySignIn;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.devices.DevicesTable;

/**
 * Device registration with an enrollment key or an identity provider's ID token, and the account's device list, lookup
 * and revocation.
 */
@RestController
class DevicesController {
    private final DevicesTable devices;
    private final AccountsTable accounts;
    private final VerifiedTokens verifiedTokens;
    private final IdentitySignIn signIn;

    DevicesController(DevicesTable devices, AccountsTable accounts, VerifiedTokens verifiedTokens,
                      IdentitySignIn signIn) {
        this.devices = devices;
        this.accounts = accounts;
        this.verifiedTokens = verifiedTokens;
        this.signIn = signIn;
    }

    record Registered(String deviceId, String accountId, String deviceToken, Instant registeredAt) {
    }

    record Device(String deviceId, String accountId, String deviceName, String platform, Instant registeredAt,
                  Instant lastSyncAt, boolean isActive) {
        static Device of(DevicesTable.DeviceRow row) {
            return new Device(row.id().toString(), row.accountId().toString(), row.deviceName(), row.platform(),
                    row.registeredAt(), row.lastSyncAt(), row.revokedAt() == null);
        }
    }

    record DeviceList(List<Device> devices) {
    }

    @PostMapping(path = "/api/devices/register", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    Registered register(@RequestBody byte[] body) {
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
        String key = null;
        String idToken = null;
        String name = null;
        String platform = null;
        if (request != null) {
            request.allowOnly(Set.of("enrollment_key", "id_token", "device_name", "platform"));
            key = request.string("enrollment_key", false, 0, true);
            idToken = request.string("id_token", false, 0, true);
            if (key != null && idToken != null) {
                violations.add("id_token", "send either enrollment_key or id_token, not both");
            } else if (!request.has("enrollment_key") && !request.has("id_token")) {
                violations.add("enrollment_key", "is required (or id_token)");
            }
            name = request.string("device_name", true, 200, true);
            platform = request.string("platform", false, 50, false);
        }
        violations.throwIfAny();
        UUID accountId = idToken != null ? signIn.account(idToken) : enrolledAccount(key);
        UUID deviceId = UUID.randomUUID();
        Credentials.Issued token = Credentials.issue(deviceId);
        DevicesTable.DeviceRow row = devices.insert(deviceId, accountId, name, platform, token.hash());
        return new Registered(deviceId.toString(), accountId.toString(), token.value(), row.registeredAt());
    }

    private UUID enrolledAccount(String key) {
        Credentials.Presented presented = Credentials.parse(key).orElseThrow(ApiException::unauthorized);
        byte[] stored = accounts.enrollmentKeyHash(presented.id()).orElse(null);
        if (!Credentials.matches(stored, presented.value())) {
            throw ApiException.unauthorized();
        }
        return presented.id();
    }

    /** Without this, {@code GET /api/devices/register} would be taken for a device id (and fail without a token). */
    @RequestMapping(path = {"/api/devices/register", "/api/devices/revoke-all"},
            method = {RequestMethod.GET, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE})
    void takesOnlyPost(HttpServletRequest request) throws HttpRequestMethodNotSupportedException {
        throw new HttpRequestMethodNotSupportedException(request.getMethod(), List.of("POST"));
    }

    @GetMapping("/api/devices/{id}")
    Device get(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice caller, @PathVariable UUID id) {
        return devices.find(caller.accountId(), id).map(Device::of)
                .orElseThrow(() -> ApiException.notFound("no device " + id + " in this account"));
    }

    @GetMapping("/api/devices")
    DeviceList list(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice caller) {
        return new DeviceList(devices.list(caller.accountId()).stream().map(Device::of).toList());
    }

    @DeleteMapping("/api/devices/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice caller, @PathVariable UUID id) {
        if (!devices.revoke(caller.accountId(), id)) {
            throw ApiException.notFound("no active device " + id + " in this account");
        }
        verifiedTokens.forget(id);
    }
}

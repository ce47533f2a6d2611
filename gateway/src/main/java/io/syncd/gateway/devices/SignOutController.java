package io.syncd.gateway.devices;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.edge.web.JsonBody;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.gateway.auth.VerifiedTokens;
import io.syncd.store.devices.DevicesTable;

/**
 * {@code POST /api/devices/revoke-all}, "sign out everywhere": every device of the account is revoked, the caller too.
 * Their tokens are refused from the next request on (each is checked against PostgreSQL); their change streams close
 * at the stream hub's next revocation check (within about a second, on every gateway).
 */
@RestController
class SignOutController {
    private final DevicesTable devices;
    private final VerifiedTokens verifiedTokens;

    SignOutController(DevicesTable devices, VerifiedTokens verifiedTokens) {
        this.devices = devices;
        this.verifiedTokens = verifiedTokens;
    }

    @PostMapping("/api/devices/revoke-all")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revokeAll(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice caller,
                   @RequestBody(required = false) byte[] body) {
        JsonBody.expectNoFields(body);
        verifiedTokens.forget(devices.revokeAll(caller.accountId()));
    }
}

package io.syncd.gateway.accounts;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.common.Credentials;
import io.syncd.edge.web.JsonBody;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.store.accounts.AccountsTable;

/** {@code POST /api/accounts/enrollment-key}: a new enrollment key for the caller's account, shown once; the old one stops. */
@RestController
class EnrollmentKeyController {
    private final AccountsTable accounts;

    EnrollmentKeyController(AccountsTable accounts) {
        this.accounts = accounts;
    }

    record EnrollmentKey(String enrollmentKey) {
    }

    @PostMapping("/api/accounts/enrollment-key")
    EnrollmentKey rotate(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice caller,
                         @RequestBody(required = false) byte[] body) {
        JsonBody.expectNoFields(body);
        Credentials.Issued key = Credentials.issue(caller.accountId());
        // One UPDATE: the old key's hash is gone in the same statement that stores the new one.
        accounts.replaceEnrollmentKey(caller.accountId(), key.hash());
        return new EnrollmentKey(key.value());
    }
}

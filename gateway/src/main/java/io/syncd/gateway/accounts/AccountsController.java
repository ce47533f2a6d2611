package io.syncd.gateway.accounts;

import java.util.Set;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.common.BearerTokens;
import io.syncd.common.Credentials;
import io.syncd.edge.AccessProperties;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.web.JsonBody;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;
import io.syncd.store.accounts.AccountsTable;

/** {@code POST /api/accounts}: creates an account and its enrollment key (shown once). */
@RestController
class AccountsController {
    private final AccountsTable accounts;
    private final AccessProperties access;

    AccountsController(AccountsTable accounts, AccessProperties access) {
        this.accounts = accounts;
        this.access = access;
    }

    record AccountCreated(String accountId, String enrollmentKey) {
    }

    @PostMapping(path = "/api/accounts", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    AccountCreated create(@RequestBody byte[] body,
                          @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        if (access.signup() == AccessProperties.Signup.ADMIN && !BearerTokens.carries(authorization, access.adminToken())) {
            throw ApiException.unauthorized();
        }
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
        String name = null;
        if (request != null) {
            request.allowOnly(Set.of("name"));
            name = request.string("name", true, 200, true);
        }
        violations.throwIfAny();
        UUID id = UUID.randomUUID();
        Credentials.Issued key = Credentials.issue(id);
        accounts.insert(id, name, key.hash());
        return new AccountCreated(id.toString(), key.value());
    }
}

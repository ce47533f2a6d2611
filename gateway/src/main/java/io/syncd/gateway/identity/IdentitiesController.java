package io.syncd.gateway.identity;

import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.edge.web.JsonBody;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;
import io.syncd.gateway.auth.AuthenticatedDevice;

/** {@code POST /api/accounts/identities}: links an identity provider's identity to the caller's account. */
@RestController
class IdentitiesController {
    private final IdentitySignIn signIn;

    IdentitiesController(IdentitySignIn signIn) {
        this.signIn = signIn;
    }

    @PostMapping(path = "/api/accounts/identities", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    IdentitySignIn.Linked link(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice caller,
                               @RequestBody byte[] body) {
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
        String idToken = null;
        if (request != null) {
            request.allowOnly(Set.of("id_token"));
            idToken = request.string("id_token", true, 0, true);
        }
        violations.throwIfAny();
        return signIn.link(idToken, caller.accountId());
    }
}

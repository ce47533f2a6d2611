package io.syncd.gateway.identity;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncd.common.Credentials;
import io.syncd.edge.errors.ApiException;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.identities.IdentitiesTable;

/**
 * Signing in with an identity provider's ID token: the account its (issuer, subject) is linked to, made on first
 * sight when the server allows it, and linking an identity to an existing account.
 */
@Component
public class IdentitySignIn {
    private final OidcProperties settings;
    private final IdTokenVerifier verifier;
    private final IdentitiesTable identities;
    private final AccountsTable accounts;
    private final TransactionTemplate transaction;

    IdentitySignIn(OidcProperties settings, IdentitiesTable identities, AccountsTable accounts,
                   PlatformTransactionManager transactions, MeterRegistry registry, ObjectProvider<Clock> clocks) {
        this.settings = settings;
        // The system's clock; a test that must move time past the key fetch interval gives its own.
        Clock clock = clocks.getIfAvailable(Clock::systemUTC);
        this.verifier = settings.enabled()
                ? new IdTokenVerifier(settings, new JwkSetCache(settings.jwksUri(), clock, registry), clock, registry)
                : null;
        this.identities = identities;
        this.accounts = accounts;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** The account the token's identity reaches: 401 for a refused token, 403 when none is linked and none is made. */
    public UUID account(String idToken) {
        VerifiedIdentity identity = verify(idToken);
        Optional<UUID> linked = identities.accountOf(identity.issuer(), identity.subject());
        if (linked.isPresent()) {
            return linked.get();
        }
        if (!settings.createAccounts()) {
            throw ApiException.forbidden("no account is linked to this identity and this server makes none at sign-in:"
                    + " register a device with an enrollment key, then link the identity (POST /api/accounts/identities)");
        }
        // The account and its link commit together; if another sign-in linked the identity first, this account
        // is rolled back and that one is the answer.
        return transaction.execute(status -> {
            UUID id = UUID.randomUUID();
            // Its enrollment key is not shown: the account's devices can rotate to a key they can see.
            accounts.insert(id, identity.displayName(), Credentials.issue(id).hash());
            UUID account = identities.linkIfAbsent(identity.issuer(), identity.subject(), id);
            if (!account.equals(id)) {
                status.setRollbackOnly();
            }
            return account;
        });
    }

    /** Links the token's identity to the account; 409 when it is linked to another account already. */
    public Linked link(String idToken, UUID accountId) {
        VerifiedIdentity identity = verify(idToken);
        UUID linked = identities.linkIfAbsent(identity.issuer(), identity.subject(), accountId);
        if (!linked.equals(accountId)) {
            throw ApiException.conflict("this identity is linked to another account");
        }
        return new Linked(accountId.toString(), identity.issuer(), identity.subject());
    }

    /** An identity linked to an account, as {@code POST /api/accounts/identities} answers it. */
    public record Linked(String accountId, String issuer, String subject) {
    }

    private VerifiedIdentity verify(String idToken) {
        if (verifier == null) {
            throw ApiException.invalid("id_token", "sign-in with an identity provider is off on this server"
                    + " (sync.auth.oidc.issuer is not set)");
        }
        return verifier.verify(idToken);
    }
}

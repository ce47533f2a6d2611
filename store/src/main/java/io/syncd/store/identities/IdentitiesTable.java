package io.syncd.store.identities;

import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The SQL for {@code identities}: which account an identity provider's (issuer, subject) reaches (V10__identities). */
public class IdentitiesTable {
    private final JdbcClient jdbc;

    public IdentitiesTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UUID> accountOf(String issuer, String subject) {
        return jdbc.sql("SELECT account_id FROM identities WHERE issuer = :issuer AND subject = :subject")
                .param("issuer", issuer).param("subject", subject).query(UUID.class).optional();
    }

    /**
     * Links the identity to the account unless it is linked already, and answers the account it is linked to now:
     * {@code accountId}, or another account that linked it first (also in a race: the primary key decides).
     */
    public UUID linkIfAbsent(String issuer, String subject, UUID accountId) {
        jdbc.sql("INSERT INTO identities (issuer, subject, account_id) VALUES (:issuer, :subject, :account)"
                        + " ON CONFLICT (issuer, subject) DO NOTHING")
                .param("issuer", issuer).param("subject", subject).param("account", accountId).update();
        return accountOf(issuer, subject).orElseThrow();
    }
}

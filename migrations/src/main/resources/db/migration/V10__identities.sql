-- Signing in with an identity provider (docs/PROTOCOL.md, "Signing in with an identity provider"): an OpenID Connect
-- identity is the pair (iss, sub) of its ID tokens, and it reaches exactly one account. The primary key makes a second
-- account for the same identity impossible, also when two devices sign in for the first time at once: the second
-- insert fails and that sign-in reads the first one's account. An account may have several identities (linking).
CREATE TABLE identities (
    issuer     text        NOT NULL,
    subject    text        NOT NULL,
    account_id uuid        NOT NULL REFERENCES accounts (id),
    linked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX identities_account_idx ON identities (account_id);

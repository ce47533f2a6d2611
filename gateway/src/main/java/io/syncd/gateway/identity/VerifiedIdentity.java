package io.syncd.gateway.identity;

/**
 * What a verified ID token says: who (issuer, subject), and a name for an account made for it.
 *
 * @param displayName the {@code name} claim, else {@code email}, else the subject: storable, at most 200 characters
 */
record VerifiedIdentity(String issuer, String subject, String displayName) {
}

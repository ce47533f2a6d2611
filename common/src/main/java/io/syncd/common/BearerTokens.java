package io.syncd.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/** Reads {@code Authorization: Bearer …} headers and compares secrets in constant time. */
public final class BearerTokens {
    private BearerTokens() {
    }

    /** The token of an {@code Authorization: Bearer …} header, if there is one. */
    public static Optional<String> from(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(7).trim());
    }

    /** Whether the header carries exactly the configured secret (false when none is configured). */
    public static boolean carries(String authorization, String secret) {
        if (secret == null || secret.isBlank()) {
            return false;
        }
        return MessageDigest.isEqual(sha256(from(authorization).orElse("")), sha256(secret));
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}

package io.syncd.common;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import io.syncd.common.BearerTokens;

/**
 * Device tokens and enrollment keys: {@code <id>.<secret>}, the secret 256 bits from a secure random source.
 * Only the SHA-256 of a credential is stored (a 256-bit random secret needs no slow hash); the id finds the row and
 * the hashes are compared in constant time, so the lookup reveals nothing about the secret.
 */
public final class Credentials {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** A freshly issued credential: shown once to the caller, its hash stored. */
    public record Issued(String value, byte[] hash) {
    }

    /** The parts of a presented credential. */
    public record Presented(UUID id, String value) {
    }

    private Credentials() {
    }

    public static Issued issue(UUID id) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String value = id + "." + ENCODER.encodeToString(secret);
        return new Issued(value, hash(value));
    }

    /** Splits a presented credential; empty when it is not of the issued shape. */
    public static Optional<Presented> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int dot = value.indexOf('.');
        if (dot != 36 || value.length() != 36 + 1 + 43) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Presented(UUID.fromString(value.substring(0, dot)), value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static boolean matches(byte[] storedHash, String presented) {
        return storedHash != null && MessageDigest.isEqual(storedHash, hash(presented));
    }

    public static byte[] hash(String value) {
        return BearerTokens.sha256(value);
    }

    /** The credential from an {@code Authorization: Bearer …} header, if there is one. */
    public static Optional<String> bearer(String authorization) {
        return BearerTokens.from(authorization);
    }
}

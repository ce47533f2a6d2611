package io.syncd.gateway.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.syncd.gateway.AccessProperties;
import io.syncd.gateway.auth.Credentials;

/** Checks a bearer header against the configured admin token, in constant time. */
public final class AdminToken {
    private AdminToken() {
    }

    public static boolean matches(AccessProperties access, String authorization) {
        if (access.adminToken() == null || access.adminToken().isBlank()) {
            return false;
        }
        byte[] presented = Credentials.bearer(authorization).orElse("").getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(Credentials.hash(new String(presented, StandardCharsets.UTF_8)),
                Credentials.hash(access.adminToken()));
    }
}

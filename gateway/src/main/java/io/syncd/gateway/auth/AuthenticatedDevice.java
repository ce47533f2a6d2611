package io.syncd.gateway.auth;

import java.util.UUID;

/** The device (and so the account) a request was authenticated as. */
public record AuthenticatedDevice(UUID deviceId, UUID accountId) {
    /** Request attribute under which the interceptor leaves it for controllers. */
    public static final String ATTRIBUTE = "syncd.device";
}

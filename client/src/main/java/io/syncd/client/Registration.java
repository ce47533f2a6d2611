package io.syncd.client;

/** The identity a store received when it was registered as a device of an account. */
public record Registration(String deviceId, String accountId) {
}

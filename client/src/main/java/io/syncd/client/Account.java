package io.syncd.client;

/** A new account: its id and the enrollment key devices register with (the server shows the key only once). */
public record Account(String accountId, String enrollmentKey) {
}

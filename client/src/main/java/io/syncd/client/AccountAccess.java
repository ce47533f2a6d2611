package io.syncd.client;

import java.util.List;

/**
 * What a registered device may do for its whole account ({@link SyncClient#account()}): list and revoke its devices,
 * link an identity provider's identity, sign out everywhere, rotate the enrollment key.
 */
public final class AccountAccess {
    private final DeviceSession session;

    AccountAccess(DeviceSession session) {
        this.session = session;
    }

    /** The account's devices, revoked ones included ({@code GET /api/devices}). */
    public List<Device> devices() {
        return session.whileSyncing(c -> c.api().devices(c.device().deviceToken()));
    }

    /**
     * Revokes a device of the account: its token stops working at once. Revoking this store's own device is allowed;
     * the store can then no longer sync. {@link ServerRejectedException} with status 404 if the account has no
     * active device of that id.
     */
    public void revokeDevice(String deviceId) {
        session.whileSyncing(c -> {
            c.api().revokeDevice(c.device().deviceToken(), deviceId);
            return null;
        });
    }

    /**
     * Links an identity provider's identity (the ID token's) to this device's account, so that signing in with it
     * reaches this account. {@link ServerRejectedException} 409 when it is linked to another account.
     */
    public void linkIdentity(String idToken) {
        session.whileSyncing(c -> {
            c.api().linkIdentity(c.device().deviceToken(), idToken);
            return null;
        });
    }

    /**
     * Signs out everywhere: every device of the account is revoked, this store's too, and their change streams close.
     * This store can no longer sync afterwards (its unsent edits stay in it).
     */
    public void signOutEverywhere() {
        session.whileSyncing(c -> {
            c.api().revokeAllDevices(c.device().deviceToken());
            return null;
        });
    }

    /** Replaces the account's enrollment key and answers the new one: shown this once; the old key stops working. */
    public String rotateEnrollmentKey() {
        return session.whileSyncing(c -> c.api().rotateEnrollmentKey(c.device().deviceToken()));
    }
}

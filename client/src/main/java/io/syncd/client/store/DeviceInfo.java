package io.syncd.client.store;

import java.time.Instant;

/** The device identity a store was registered with (one row of {@code device_info}). */
public record DeviceInfo(String server, String deviceId, String accountId, String deviceToken, String deviceName,
                         String platform, Instant registeredAt) {
    @Override
    public String toString() {
        // Never print the token.
        return "DeviceInfo[server=" + server + ", deviceId=" + deviceId + ", accountId=" + accountId + "]";
    }
}

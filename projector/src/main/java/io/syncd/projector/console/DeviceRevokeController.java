package io.syncd.projector.console;

import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.edge.errors.ApiException;
import io.syncd.store.devices.DevicesTable;

/**
 * {@code POST /api/admin/accounts/{account_id}/devices/{device_id}/revoke}: an operator revokes a device (a lost
 * phone). Its token is refused from the gateway's next check on (its open streams close within seconds). Revoking a
 * revoked device answers as the first time did.
 */
@RestController
class DeviceRevokeController {
    private static final Logger log = LoggerFactory.getLogger(DeviceRevokeController.class);

    private final DevicesTable devices;

    DeviceRevokeController(DevicesTable devices) {
        this.devices = devices;
    }

    record Revoked(UUID deviceId, Instant revokedAt) {
    }

    @PostMapping("/api/admin/accounts/{account_id}/devices/{device_id}/revoke")
    Revoked revoke(@PathVariable("account_id") UUID accountId, @PathVariable("device_id") UUID deviceId) {
        boolean now = devices.revoke(accountId, deviceId);
        DevicesTable.DeviceRow device = devices.find(accountId, deviceId)
                .orElseThrow(() -> ApiException.notFound("account " + accountId + " has no device " + deviceId));
        if (now) {
            log.info("Operator revoked device {} of account {}", deviceId, accountId);
        }
        return new Revoked(device.id(), device.revokedAt());
    }
}

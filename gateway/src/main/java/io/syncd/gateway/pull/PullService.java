package io.syncd.gateway.pull;

import java.time.Duration;
import java.util.List;

import org.springframework.stereotype.Service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.syncd.common.SyncedRecord;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.gateway.devices.DevicesTable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Serves a pull page and records the device's last sync. */
@Service
public class PullService {
    private final PullQuery query;
    private final DevicesTable devices;
    private final Timer timer;

    PullService(PullQuery query, DevicesTable devices, MeterRegistry registry) {
        this.query = query;
        this.devices = devices;
        this.timer = Timer.builder("syncd.pull")
                .description("Serving one pull page: reading the records and encoding them")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5))
                .register(registry);
    }

    /** Adds {@code changes}, {@code cursor} and {@code has_more} to the response object. */
    public void pull(AuthenticatedDevice device, PullRequest request, ObjectNode response) {
        timer.record(() -> page(device, request, response));
    }

    private void page(AuthenticatedDevice device, PullRequest request, ObjectNode response) {
        PullQuery.Page page = query.read(device.accountId(), request);
        List<SyncedRecord> records = page.records();
        long position = records.isEmpty()
                ? (request.cursor() == null ? 0 : request.cursor().position())
                : records.get(records.size() - 1).position();
        ArrayNode changes = response.putArray("changes");
        for (SyncedRecord record : records) {
            changes.add(record.toEnvelope());
        }
        response.put("cursor", new PullCursor(position, page.chainStart(), request.tables()).encode());
        response.put("has_more", page.hasMore());
        devices.touchLastSync(device.deviceId());
    }
}

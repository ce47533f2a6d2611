package io.syncd.gateway.pull;

import java.time.Duration;
import java.util.function.Supplier;

import org.springframework.stereotype.Service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.gateway.devices.DevicesTable;
import tools.jackson.core.JsonGenerator;

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

    /**
     * Writes the page's {@code changes}, {@code cursor} and {@code has_more} as properties of the response object,
     * each record as it is read (see {@link PullQuery}); {@code response} starts the response when first asked.
     */
    public void pull(AuthenticatedDevice device, PullRequest request, Supplier<JsonGenerator> response) {
        timer.record(() -> page(device, request, response));
    }

    /** The response is started (see StreamedObject) only once the page's reads are open: at its first record, or after. */
    private void page(AuthenticatedDevice device, PullRequest request, Supplier<JsonGenerator> response) {
        JsonGenerator[] out = {null};
        PullQuery.Page page = query.stream(device.accountId(), request, record -> {
            if (out[0] == null) {
                out[0] = changes(response);
            }
            out[0].writeTree(record.toEnvelope());
        });
        if (out[0] == null) {
            out[0] = changes(response);
        }
        out[0].writeEndArray();
        out[0].writeStringProperty("cursor", new PullCursor(page.lastPosition(), page.chainStart(), request.tables()).encode());
        out[0].writeBooleanProperty("has_more", page.hasMore());
        devices.touchLastSync(device.deviceId());
    }

    private static JsonGenerator changes(Supplier<JsonGenerator> response) {
        JsonGenerator out = response.get();
        out.writeName("changes");
        out.writeStartArray();
        return out;
    }
}

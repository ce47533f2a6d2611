package io.syncd.gateway.pull;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.syncd.common.StrokesFormat;
import io.syncd.common.SyncTable;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.errors.FieldError;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.devices.DevicesTable;
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
     * The request with its cursor read and verified: {@code 400 invalid_request} for a cursor no server made or one
     * issued for other tables; {@code 409 cursor_reset} for a cursor of another database, of a server before cursors
     * were signed, or from beyond the account's history (the database was restored from a backup): the device pulls
     * again from null.
     */
    public VerifiedPull verify(AuthenticatedDevice device, PullRequest request) {
        AccountsTable.PullOrigin origin = query.origin(device.accountId());
        if (request.cursor() == null) {
            return new VerifiedPull(request, null, origin, BookSelection.of(request.books()));
        }
        PullCursor cursor;
        try {
            cursor = PullCursor.decode(request.cursor(), origin.databaseId(), origin.cursorKey());
        } catch (PullCursor.Refused e) {
            throw e.reset() ? cursorReset(e.getMessage()) : ApiException.invalid("cursor", e.getMessage());
        }
        if (!cursor.tables().equals(request.tables())) {
            throw ApiException.invalid("cursor", "was issued for tables " + names(cursor.tables())
                    + "; pull those tables with it, or start from a null cursor");
        }
        if (Math.max(cursor.position(), cursor.chainStart()) > origin.changeSeq()) {
            // Signed by this database, for positions it no longer has: it was restored from a backup taken before.
            throw cursorReset("is ahead of this account's history (the server's database was restored); pull again"
                    + " from a null cursor");
        }
        return new VerifiedPull(request, cursor, origin, cursor.selection().next(request.books()));
    }

    private static ApiException cursorReset(String message) {
        return new ApiException(HttpStatus.CONFLICT, "cursor_reset", "cursor " + message,
                List.of(new FieldError("cursor", message)));
    }

    private static String names(Set<SyncTable> tables) {
        return tables.stream().map(SyncTable::wireName).toList().toString();
    }

    /** Whether the pull would return any record now (a held pull waits until it would). */
    public boolean anyChanges(AuthenticatedDevice device, VerifiedPull request) {
        return query.anyChanges(device.accountId(), request);
    }

    /**
     * Writes the page's {@code changes}, {@code cursor} and {@code has_more} as properties of the response object,
     * each record as it is read (see {@link PullQuery}); {@code response} starts the response when first asked.
     */
    public void pull(AuthenticatedDevice device, VerifiedPull request, Supplier<JsonGenerator> response) {
        timer.record(() -> page(device, request, response));
    }

    /** The response is started (see StreamedObject) only once the page's reads are open: at its first record, or after. */
    private void page(AuthenticatedDevice device, VerifiedPull request, Supplier<JsonGenerator> response) {
        JsonGenerator[] out = {null};
        StrokesFormat format = request.request().strokesFormat();
        PullQuery.Page page = query.stream(device.accountId(), request, record -> record.toEnvelope(format), envelope -> {
            if (out[0] == null) {
                out[0] = changes(response);
            }
            out[0].writeTree(envelope);
        });
        if (out[0] == null) {
            out[0] = changes(response);
        }
        out[0].writeEndArray();
        PullCursor next = new PullCursor(request.origin().databaseId(), page.lastPosition(), page.chainStart(),
                request.request().tables(), page.selection());
        out[0].writeStringProperty("cursor", next.encode(request.origin().cursorKey()));
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

package io.syncd.gateway.push;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.ChangeResult;
import io.syncd.common.StrokesFormat;
import io.syncd.common.SyncTable;
import io.syncd.edge.changes.ChangeValidator;
import io.syncd.edge.changes.StrokesFormats;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.web.JsonBody;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.StreamedObject;
import io.syncd.edge.web.Violations;
import io.syncd.gateway.GatewayProperties;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.gateway.pull.PullRequest;
import io.syncd.gateway.pull.PullService;
import io.syncd.gateway.pull.VerifiedPull;
import io.syncd.gateway.stream.HeldPulls;
import io.syncd.store.synclog.DecisionsTable;

/** The sync endpoints: push, pull, full sync, conflict resolution and change lookup (PROTOCOL.md). */
@RestController
class SyncController {
    private static final Set<String> RESOLVE_FIELDS =
            Set.of("change_id", "table", "record_id", "resolution", "base_version", "data", "op", StrokesFormats.FIELD);

    private final PushService pushes;
    private final PullService pulls;
    private final DecisionsTable decisions;
    private final ChangeLag lag;
    private final GatewayProperties properties;
    private final HeldPulls heldPulls;

    SyncController(PushService pushes, PullService pulls, DecisionsTable decisions, ChangeLag lag,
                   GatewayProperties properties, HeldPulls heldPulls) {
        this.pushes = pushes;
        this.pulls = pulls;
        this.heldPulls = heldPulls;
        this.decisions = decisions;
        this.lag = lag;
        this.properties = properties;
    }

    /** Answers with the bytes of {@link PushAnswer}; AcceptsJsonInterceptor checked that the request accepts JSON. */
    @PostMapping(path = "/api/sync/push", consumes = MediaType.APPLICATION_JSON_VALUE)
    void push(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice device, @RequestBody byte[] body,
              HttpServletResponse response) throws IOException {
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
        List<ChangeEvent> changes = List.of();
        StrokesFormat format = StrokesFormat.JSON;
        if (request != null) {
            request.allowOnly(Set.of("changes", StrokesFormats.FIELD));
            changes = ChangeValidator.validate(request.get("changes"), "changes", device.accountId(),
                    device.deviceId(), receivedAt(), violations);
            format = StrokesFormats.read(request, violations);
        }
        violations.throwIfAny();
        byte[] answer = PushAnswer.of(in(format, pushes.push(device.accountId(), changes)));
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
    }

    /** Streamed: a page is written while it is read (see PullQuery). */
    @PostMapping(path = "/api/sync/pull", consumes = MediaType.APPLICATION_JSON_VALUE)
    void pull(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice device, @RequestBody byte[] body,
              HttpServletRequest httpRequest, HttpServletResponse httpResponse) throws HttpMediaTypeNotAcceptableException {
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
        PullRequest pull = null;
        if (request != null) {
            request.allowOnly(PullRequest.FIELDS);
            pull = PullRequest.read(request, violations);
        }
        violations.throwIfAny();
        VerifiedPull verified = pulls.verify(device, pull);
        awaitChanges(device, verified);
        StreamedObject response = StreamedObject.of(httpRequest, httpResponse, out -> { });
        pulls.pull(device, verified, response::start);
        response.finish();
    }

    /** Push, then pull, validated whole first: an invalid pull part queues nothing of the push part. */
    @PostMapping(path = "/api/sync/full", consumes = MediaType.APPLICATION_JSON_VALUE)
    void full(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice device, @RequestBody byte[] body,
              HttpServletRequest httpRequest, HttpServletResponse httpResponse) throws HttpMediaTypeNotAcceptableException {
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
        List<ChangeEvent> changes = List.of();
        PullRequest pull = null;
        if (request != null) {
            Set<String> allowed = new HashSet<>(PullRequest.FIELDS);
            allowed.add("changes");
            request.allowOnly(allowed);
            changes = request.has("changes")
                    ? ChangeValidator.validate(request.get("changes"), "changes", device.accountId(),
                    device.deviceId(), receivedAt(), violations)
                    : List.of();
            pull = PullRequest.read(request, violations);
        }
        violations.throwIfAny();
        VerifiedPull verified = pulls.verify(device, pull); // a refused cursor refuses the request: nothing queued
        List<ChangeResult> results = in(verified.request().strokesFormat(), pushes.push(device.accountId(), changes));
        awaitChanges(device, verified);
        StreamedObject response = StreamedObject.of(httpRequest, httpResponse, out -> {
            out.writeName("results");
            out.writePOJO(results);
        });
        pulls.pull(device, verified, response::start);
        response.finish();
    }

    /** {@code wait_ms}: holds a pull that would return nothing until it would, or the wait is over. */
    private void awaitChanges(AuthenticatedDevice device, VerifiedPull verified) {
        heldPulls.awaitChanges(device.accountId(), verified.request().tables(),
                Duration.ofMillis(verified.request().waitMs()), () -> pulls.anyChanges(device, verified));
    }

    @PostMapping(path = "/api/sync/resolve-conflict", consumes = MediaType.APPLICATION_JSON_VALUE)
    ChangeResult resolve(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice device, @RequestBody byte[] body) {
        Violations violations = new Violations();
        JsonObject request = JsonObject.of(JsonBody.parse(body), "", violations);
        ChangeEvent change = null;
        StrokesFormat format = StrokesFormat.JSON;
        if (request != null) {
            request.allowOnly(RESOLVE_FIELDS);
            change = resolution(request, device, violations);
            format = StrokesFormats.read(request, violations);
        }
        violations.throwIfAny();
        return pushes.push(device.accountId(), List.of(change)).get(0).in(format);
    }

    /** The results as a device of {@code format} receives them (the conflicts' server records). */
    private static List<ChangeResult> in(StrokesFormat format, List<ChangeResult> results) {
        return format == StrokesFormat.INK ? results : results.stream().map(r -> r.in(format)).toList();
    }

    /** A resolution is a change of its own (a new change id): use_server logs, use_local and merge write on base_version. */
    private static ChangeEvent resolution(JsonObject request, AuthenticatedDevice device, Violations violations) {
        UUID changeId = request.uuid("change_id", true);
        UUID recordId = request.uuid("record_id", true);
        Long baseVersion = request.integer("base_version", true, 0, Long.MAX_VALUE);
        SyncTable table = ChangeValidator.table(request, violations);
        String resolution = request.string("resolution", true, 0, false);
        ChangeOp op = null;
        if (resolution != null) {
            switch (resolution) {
                case "use_server" -> {
                    op = ChangeOp.USE_SERVER;
                    if (request.has("data") || request.has("op")) {
                        violations.add(request.path("resolution"), "use_server takes neither data nor op");
                    }
                }
                case "use_local" -> op = ChangeValidator.op(request, violations, true);
                case "merge" -> {
                    op = ChangeValidator.op(request, violations, true);
                    if (op == ChangeOp.DELETE) {
                        violations.add(request.path("op"), "a merge is an upsert; delete with use_local");
                        op = null;
                    }
                }
                default -> violations.add(request.path("resolution"), "must be use_server, use_local or merge");
            }
        }
        String data = op == ChangeOp.UPSERT || op == ChangeOp.DELETE
                ? ChangeValidator.data(request, table, op, violations) : null;
        if (changeId == null || recordId == null || baseVersion == null || table == null || op == null
                || (op == ChangeOp.UPSERT && data == null)) {
            return null;
        }
        return new ChangeEvent(changeId, device.accountId(), device.deviceId(), table, op, recordId, baseVersion, data,
                receivedAt());
    }

    /**
     * When the push was received: its changes' {@code updated_at}, kept to the microsecond, as PostgreSQL keeps it, so
     * that every answer about a record version (push, lookup, pull) carries the same time.
     */
    private static Instant receivedAt() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** One change's decision; {@code pending} while it may still be queued; 404 only once it surely never arrived. */
    @GetMapping("/api/sync/changes/{changeId}")
    ChangeResult change(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice device,
                        @PathVariable UUID changeId,
                        @RequestParam(name = StrokesFormats.FIELD, required = false) String strokesFormat) {
        StrokesFormat format = StrokesFormats.fromQuery(strokesFormat);
        Map<UUID, ChangeResult> decided = decisions.find(device.accountId(), List.of(changeId));
        if (decided.containsKey(changeId)) {
            return decided.get(changeId).in(format);
        }
        if (!lag.awaitCaughtUp(device.accountId(), properties.decisionWait())) {
            return ChangeResults.pending(changeId);
        }
        decided = decisions.find(device.accountId(), List.of(changeId));
        if (decided.containsKey(changeId)) {
            return decided.get(changeId).in(format);
        }
        throw ApiException.notFound("no change " + changeId + " was received for this account");
    }
}

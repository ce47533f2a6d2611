package io.syncd.projector.transfer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.Credentials;
import io.syncd.common.Json;
import io.syncd.common.Limits;
import io.syncd.common.SyncTable;
import io.syncd.edge.changes.ChangeValidator;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.web.JsonBody;
import io.syncd.edge.web.JsonObject;
import io.syncd.edge.web.Violations;
import io.syncd.projector.ProjectorProperties;
import io.syncd.projector.admin.Progress;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.changelog.ChangeProducer;
import io.syncd.store.devices.DevicesTable;
import io.syncd.store.records.RecordReads;
import io.syncd.store.synclog.DecisionsTable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loads an export (NDJSON record envelopes) into an existing, empty account through the normal pipeline: the whole
 * file is validated first with the push validators (any bad line: 400, nothing imported), then a device is registered
 * for the import and every live record becomes an upsert on base version 0, produced to Kafka stage by stage
 * (parents first) and decided by the applier like any push. Versions restart at 1; tombstones are skipped.
 */
@Component
class AccountImport implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(AccountImport.class);
    private static final Set<String> ENVELOPE_FIELDS =
            Set.of("table", "record_id", "version", "is_deleted", "data", "updated_at", "device_id");
    private static final int MAX_VIOLATIONS = 100;
    private static final int MAX_REJECTIONS_LISTED = 100;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final AccountsTable accounts;
    private final DevicesTable devices;
    private final DecisionsTable decisions;
    private final RecordReads records;
    private final KafkaProperties kafka;
    private final Duration applierWait;
    private final DecidedAccounts decidedAccounts;
    private final Set<UUID> importing = ConcurrentHashMap.newKeySet();
    private ChangeProducer producer;

    AccountImport(AccountsTable accounts, DevicesTable devices, DecisionsTable decisions, DataSource dataSource,
                  KafkaProperties kafka, ProjectorProperties properties, DecidedAccounts decidedAccounts) {
        this.accounts = accounts;
        this.devices = devices;
        this.decisions = decisions;
        this.records = new RecordReads(dataSource, 0);
        this.decidedAccounts = decidedAccounts;
        this.kafka = kafka;
        this.applierWait = properties.applierWait();
    }

    /** Imports the NDJSON body into the account; answers the counts (PROTOCOL.md, "Admin"). */
    ObjectNode run(UUID accountId, InputStream body) {
        long started = System.nanoTime();
        if (!accounts.exists(accountId)) {
            throw ApiException.notFound("no account " + accountId);
        }
        if (!importing.add(accountId)) {
            throw ApiException.conflict("an import into account " + accountId + " is running");
        }
        try (ImportSpool spool = new ImportSpool()) {
            requireEmpty(accountId);
            UUID deviceId = UUID.randomUUID();
            Instant receivedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as PostgreSQL keeps it
            long tombstones = validate(body, accountId, deviceId, receivedAt, spool);
            requireEmpty(accountId);
            // The import's device: its id marks the imported changes; nobody ever holds its token.
            devices.insert(deviceId, accountId, "import " + receivedAt, "import", Credentials.issue(deviceId).hash());
            try {
                produceAndAwait(accountId, deviceId, spool);
            } finally {
                devices.revoke(accountId, deviceId);
            }
            ObjectNode answer = answer(accountId, deviceId, tombstones);
            answer.put("took_ms", (System.nanoTime() - started) / 1_000_000);
            log.info("Imported into account {}: {} changes, {} rejected, {} tombstones skipped, in {} ms", accountId,
                    spool.total(), answer.get("rejected").longValue(), tombstones, answer.get("took_ms").longValue());
            return answer;
        } finally {
            importing.remove(accountId);
        }
    }

    private void requireEmpty(UUID accountId) {
        if (records.anyIn(accountId)) {
            throw ApiException.conflict("account " + accountId + " holds records already; import into an empty account");
        }
    }

    /**
     * Reads the body line by line: validates each record envelope as a push validates a change, spools the valid
     * upserts, counts tombstones. Throws 400 naming every bad line (up to {@value #MAX_VIOLATIONS}).
     */
    private long validate(InputStream body, UUID accountId, UUID deviceId, Instant receivedAt, ImportSpool spool) {
        Violations violations = new Violations();
        Map<SyncTable, Map<UUID, Long>> seen = new EnumMap<>(SyncTable.class);
        long tombstones = 0;
        long number = 0;
        try (Progress progress = new Progress(log, "Import into " + accountId + ", validating", -1);
             BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 64 * 1024)) {
            for (String line = lines.readLine(); line != null && violations.size() < MAX_VIOLATIONS; line = lines.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String at = "line " + number;
                JsonNode node;
                try {
                    node = JsonBody.read(line.getBytes(StandardCharsets.UTF_8));
                } catch (JacksonException e) {
                    violations.add(at, "malformed JSON: " + e.getOriginalMessage());
                    continue;
                }
                JsonObject record = JsonObject.of(node, at, violations);
                if (record == null) {
                    continue;
                }
                record.allowOnly(ENVELOPE_FIELDS);
                SyncTable table = ChangeValidator.table(record, violations);
                UUID recordId = record.uuid("record_id", true);
                JsonNode deleted = record.get("is_deleted");
                if (deleted != null && !deleted.isBoolean()) {
                    violations.add(record.path("is_deleted"), "must be true or false");
                    continue;
                }
                if (deleted != null && deleted.booleanValue()) {
                    tombstones++;
                    continue;
                }
                String data = ChangeValidator.data(record, table, ChangeOp.UPSERT, violations);
                if (table != null && recordId != null) {
                    Long first = seen.computeIfAbsent(table, t -> new HashMap<>()).putIfAbsent(recordId, number);
                    if (first != null) {
                        violations.add(record.path("record_id"), "duplicates line " + first);
                    }
                }
                if (violations.isEmpty() && data != null) {
                    UUID changeId = UUID.nameUUIDFromBytes(("import:" + accountId + ":" + table.wireName() + ":"
                            + recordId).getBytes(StandardCharsets.UTF_8));
                    spool.add(new ChangeEvent(changeId, accountId, deviceId, table, ChangeOp.UPSERT, recordId, 0, data,
                            receivedAt));
                }
                progress.advance(1);
            }
        } catch (IOException e) {
            throw ApiException.invalid("", "the body could not be read: " + e.getMessage());
        }
        violations.throwIfAny();
        return tombstones;
    }

    /** Produces each stage's changes and waits until the applier decided them before producing the next stage. */
    private void produceAndAwait(UUID accountId, UUID deviceId, ImportSpool spool) {
        try (Progress progress = new Progress(log, "Import into " + accountId, spool.total())) {
            long produced = 0;
            for (int stage = 0; stage < ImportSpool.STAGES; stage++) {
                try (BufferedReader lines = spool.read(stage)) {
                    List<ChangeEvent> chunk = new ArrayList<>(Limits.MAX_CHANGES_PER_PUSH);
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        chunk.add(ChangeEventCodec.decode(line.getBytes(StandardCharsets.UTF_8)));
                        if (chunk.size() == Limits.MAX_CHANGES_PER_PUSH) {
                            producer().sendAll(chunk);
                            chunk.clear();
                        }
                    }
                    producer().sendAll(chunk);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the import's spool file", e);
                }
                produced += spool.count(stage);
                awaitDecided(accountId, deviceId, produced, progress);
            }
        }
    }

    /**
     * Waits until the applier decided {@code expected} of the import's changes, reading {@code sync_log} once per
     * decision signal of the account (or per {@link DecidedAccounts#FALLBACK_POLL} without one); 503 when it stops
     * making progress.
     */
    private void awaitDecided(UUID accountId, UUID deviceId, long expected, Progress progress) {
        long decided = 0;
        long stalledSince = System.nanoTime();
        // Watching before the first count: a decision made after it still wakes the wait.
        try (DecidedAccounts.Watch watch = decidedAccounts.watch(accountId)) {
            while (true) {
                long now = decidedCount(accountId, deviceId);
                if (now > decided) {
                    progress.advance(now - decided);
                    decided = now;
                    stalledSince = System.nanoTime();
                }
                if (decided >= expected) {
                    return;
                }
                long left = applierWait.toNanos() - (System.nanoTime() - stalledSince);
                if (left <= 0) {
                    throw ApiException.unavailable("the applier decided " + decided + " of the import's " + expected
                            + " changes and made no progress for " + applierWait.toSeconds() + " s; the rest stays"
                            + " queued and will be decided; check the account before importing anything again");
                }
                watch.awaitSignal(Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while waiting for the applier");
        }
    }

    private long decidedCount(UUID accountId, UUID deviceId) {
        return decisions.countByDevice(accountId, deviceId);
    }

    private ObjectNode answer(UUID accountId, UUID deviceId, long tombstones) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("account_id", accountId.toString());
        answer.put("device_id", deviceId.toString());
        ObjectNode imported = answer.putObject("imported");
        for (SyncTable table : SyncTable.values()) {
            imported.put(table.wireName(), 0L);
        }
        long rejected = 0;
        for (DecisionsTable.StatusCount count : decisions.statusCounts(accountId, deviceId)) {
            if (count.status().equals("applied")) {
                imported.put(count.table(), count.count());
            } else {
                rejected += count.count();
            }
        }
        answer.put("skipped_tombstones", tombstones);
        answer.put("rejected", rejected);
        ArrayNode rejections = answer.putArray("rejections");
        for (DecisionsTable.Refusal refusal : decisions.refusals(accountId, deviceId, MAX_REJECTIONS_LISTED)) {
            boolean conflict = refusal.status().equals("conflict");
            rejections.addObject()
                    .put("table", refusal.table())
                    .put("record_id", refusal.recordId().toString())
                    .put("code", conflict ? "conflict" : refusal.errorCode())
                    .put("message", conflict ? "the record exists in the account already" : refusal.errorMessage());
        }
        return answer;
    }

    private synchronized ChangeProducer producer() {
        if (producer == null) {
            producer = new ChangeProducer(kafka, SEND_TIMEOUT);
        }
        return producer;
    }

    @Override
    public synchronized void destroy() {
        if (producer != null) {
            producer.close();
        }
    }
}

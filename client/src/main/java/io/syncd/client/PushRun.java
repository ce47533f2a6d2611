package io.syncd.client;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.syncd.client.http.SyncApi;
import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OpenIssue;
import io.syncd.client.store.OutboxEntry;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One push: sends the outbox in order until nothing is left to send now, and applies each answer.
 * <p>
 * Each batch is marked sent and committed <em>before</em> its request, so whatever happens to the request (timeout,
 * lost answer, crash) the next attempt re-sends the same change ids and the server decides each once. Changes
 * answered {@code pending} are not re-sent within the same push: the server already waited its decision window.
 */
final class PushRun {
    private static final System.Logger LOG = System.getLogger(PushRun.class.getName());
    private static final Pattern CHANGE_INDEX = Pattern.compile("^changes\\[(\\d+)]");
    /** Bytes of changes per request, well under the server's default body limit (64 MiB). */
    private static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final LocalStore store;
    private final SyncApi api;
    private final String token;
    private final SyncOptions options;
    private final DecisionApplier decisions;
    private final ConflictChoices choices;
    private final Clock clock;

    private int pushed;
    private int applied;
    private int conflicts;
    private int rejected;
    private int pending;

    PushRun(LocalStore store, SyncApi api, String token, SyncOptions options, ConflictChoices choices) {
        this.store = store;
        this.api = api;
        this.token = token;
        this.options = options;
        this.clock = options.clock();
        this.decisions = new DecisionApplier(store, clock);
        this.choices = choices;
    }

    /** Pushes until the outbox holds nothing sendable but changes answered {@code pending} in this run. */
    SyncReport pushAll() {
        Set<String> answeredPending = new HashSet<>();
        Set<String> policyApplied = new HashSet<>();
        while (true) {
            List<OutboxEntry> batch = nextBatch(answeredPending);
            if (batch.isEmpty()) {
                return report();
            }
            List<OpenIssue> opened = new ArrayList<>();
            List<ChangeResult> results = send(batch, opened);
            for (ChangeResult result : results) {
                if (ChangeResults.PENDING.equals(result.status())) {
                    answeredPending.add(result.changeId());
                }
            }
            applyPolicy(opened, policyApplied);
        }
    }

    /** Sends one resolution (already in the outbox) and returns the server's decision. */
    ChangeResult sendResolution(OutboxEntry entry) {
        store.inTransaction(() -> {
            store.outbox().markSent(entry.seq(), clock.instant());
            return null;
        });
        List<ChangeResult> results = send(List.of(entry), new ArrayList<>());
        return results.get(0);
    }

    SyncReport report() {
        return new SyncReport(pushed, applied, conflicts, rejected, pending, 0);
    }

    private List<OutboxEntry> nextBatch(Set<String> skip) {
        return store.inTransaction(() -> {
            List<OutboxEntry> batch = new ArrayList<>();
            long bytes = 0;
            for (OutboxEntry entry : store.outbox().sendable(options.pushBatchSize() + skip.size())) {
                if (skip.contains(entry.changeId())) {
                    continue;
                }
                // A resolution goes to its own endpoint, alone; plain changes go together, in outbox order.
                if (entry.resolution() != null) {
                    if (batch.isEmpty()) {
                        batch.add(entry);
                    }
                    break;
                }
                long size = 300 + (entry.data() == null ? 0 : entry.data().length());
                if (batch.size() == options.pushBatchSize() || (!batch.isEmpty() && bytes + size > MAX_REQUEST_BYTES)) {
                    break;
                }
                batch.add(entry);
                bytes += size;
            }
            for (OutboxEntry entry : batch) {
                store.outbox().markSent(entry.seq(), clock.instant());
            }
            return batch;
        });
    }

    /** Sends the batch (marked sent already) and applies the answers in one transaction. */
    private List<ChangeResult> send(List<OutboxEntry> batch, List<OpenIssue> opened) {
        List<OutboxEntry> remaining = new ArrayList<>(batch);
        List<ChangeResult> results = new ArrayList<>();
        while (!remaining.isEmpty()) {
            List<JsonNode> answers;
            try {
                answers = remaining.get(0).resolution() != null
                        ? List.of(api.resolve(token, resolutionBody(remaining.get(0))))
                        : api.push(token, remaining.stream().map(PushRun::changeBody).toList());
            } catch (ServerRejectedException e) {
                List<OutboxEntry> invalid = invalidChanges(e, remaining);
                if (invalid.isEmpty()) {
                    throw e;
                }
                // The server refused these changes' data and queued nothing of the request: keep them as
                // rejections and send the rest again.
                store.inTransaction(() -> {
                    for (OutboxEntry entry : invalid) {
                        LOG.log(System.Logger.Level.WARNING, "change {0} of {1} {2} refused by the server: {3}",
                                entry.changeId(), entry.table().wireName(), entry.recordId(), e.getMessage());
                        opened.add(decisions.invalid(entry, e.getMessage()));
                    }
                    return null;
                });
                for (OutboxEntry entry : invalid) {
                    results.add(new ChangeResult(entry.changeId(), ChangeResults.REJECTED, entry.table().wireName(),
                            entry.recordId(), null, null, "invalid_request", e.getMessage()));
                }
                pushed += invalid.size();
                rejected += invalid.size();
                remaining.removeAll(invalid);
                continue;
            }
            List<OutboxEntry> sent = List.copyOf(remaining);
            List<ChangeResult> decided = answers.stream().map(ChangeResults::of).toList();
            store.inTransaction(() -> {
                for (int i = 0; i < sent.size(); i++) {
                    OutboxEntry entry = sent.get(i);
                    ChangeResult result = decided.get(i);
                    if (!entry.changeId().equals(result.changeId())) {
                        throw new SyncException("the server answered change " + result.changeId() + " where "
                                + entry.changeId() + " was expected");
                    }
                    decisions.apply(entry, result).ifPresent(opened::add);
                }
                return null;
            });
            for (ChangeResult result : decided) {
                count(result.status());
            }
            results.addAll(decided);
            remaining.clear();
        }
        return results;
    }

    private void count(String status) {
        pushed++;
        switch (status) {
            case ChangeResults.APPLIED -> applied++;
            case ChangeResults.CONFLICT -> conflicts++;
            case ChangeResults.REJECTED -> rejected++;
            default -> pending++;
        }
    }

    /** The conflict policy's choices, at most one per record and push, so two devices' policies cannot ping-pong. */
    private void applyPolicy(List<OpenIssue> opened, Set<String> policyApplied) {
        for (OpenIssue issue : opened) {
            if (OpenIssue.CONFLICT.equals(issue.status()) && policyApplied.add(issue.table() + "/" + issue.recordId())) {
                choices.applyPolicy(issue.changeId());
            }
        }
    }

    private static List<OutboxEntry> invalidChanges(ServerRejectedException e, List<OutboxEntry> sent) {
        if (e.status() != 400) {
            return List.of();
        }
        if (sent.size() == 1 && sent.get(0).resolution() != null) {
            return sent; // a resolution is one change: its errors name its fields, not an index
        }
        Set<OutboxEntry> invalid = new HashSet<>();
        for (ServerRejectedException.FieldError error : e.errors()) {
            Matcher index = CHANGE_INDEX.matcher(error.field());
            if (!index.find()) {
                return List.of(); // an error of the request itself: not something to pin on one change
            }
            int i = Integer.parseInt(index.group(1));
            if (i >= sent.size()) {
                return List.of();
            }
            invalid.add(sent.get(i));
        }
        return sent.stream().filter(invalid::contains).toList();
    }

    static ObjectNode changeBody(OutboxEntry entry) {
        ObjectNode change = Json.MAPPER.createObjectNode();
        change.put("change_id", entry.changeId());
        change.put("table", entry.table().wireName());
        change.put("op", entry.op());
        change.put("record_id", entry.recordId());
        change.put("base_version", entry.baseVersion());
        if (entry.data() != null) {
            change.set("data", Json.MAPPER.readTree(entry.data()));
        }
        return change;
    }

    static ObjectNode resolutionBody(OutboxEntry entry) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("change_id", entry.changeId());
        body.put("table", entry.table().wireName());
        body.put("record_id", entry.recordId());
        body.put("resolution", entry.resolution().wireName());
        body.put("base_version", entry.baseVersion());
        if (LocalEdits.DELETE.equals(entry.op())) {
            body.put("op", LocalEdits.DELETE);
        } else if (entry.data() != null) {
            body.set("data", Json.MAPPER.readTree(entry.data()));
        }
        return body;
    }
}

package io.syncd.applier;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.common.TopicPartition;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.DecisionStatus;
import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;
import io.syncd.store.accounts.AccountSequences;
import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.records.RecordKey;
import io.syncd.store.records.RecordsTable;
import io.syncd.store.synclog.SyncLogTable;
import io.syncd.store.synclog.SyncLogTable.ChangeKey;
import tools.jackson.databind.node.ObjectNode;

/**
 * One batch's transaction: reads everything it needs up front (a handful of set-based queries), decides in memory in
 * decision order, then writes each table and {@code sync_log} with one statement each. The account rows are locked
 * first, so one account's transactions never interleave (see {@link AccountSequences#lockSequences}). The caller commits.
 */
final class BatchTransaction {
    private final Connection conn;
    private final ParentProgress parents;
    private final Map<TopicPartition, Long> batchEnds;
    private final boolean announce;
    private final boolean lookUpAll;
    private final Instant now;
    private final Map<RecordKey, SyncedRecord> records = new HashMap<>();
    private final Set<RecordKey> written = new LinkedHashSet<>();
    /**
     * Records that have a row in the table already (read and locked by this transaction). A create the first
     * attempt did not look up is not among them even if its row exists: its insert then fails on the key.
     */
    private final Set<RecordKey> stored = new HashSet<>();
    private final Map<UUID, Long> sequences = new HashMap<>();
    private final Map<UUID, Long> advancedSequences = new HashMap<>();
    private final Map<TopicPartition, Long> progress = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> parked = new LinkedHashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final List<PolledChange> unknownAccount = new ArrayList<>();
    /** Accounts with decisions a signal cannot carry: their gateways read them from sync_log. */
    private final Set<UUID> needsLookup = new HashSet<>();
    private Set<ChangeKey> decided;

    /**
     * @param announce  whether to signal the decisions on commit ({@link DecidedSignal}); a replay does not
     * @param lookUpAll whether to look up which changes were decided before and the rows of creates, or to leave
     *                  those to the unique keys ({@link #applyShard})
     */
    BatchTransaction(Connection conn, Instant now, ParentProgress parents, Map<TopicPartition, Long> batchEnds,
                boolean announce, boolean lookUpAll) {
        this.conn = conn;
        this.now = now;
        this.parents = parents;
        this.batchEnds = batchEnds;
        this.announce = announce;
        this.lookUpAll = lookUpAll;
    }

    BatchResult run(List<PolledChange> ordered) throws SQLException {
        Set<UUID> accounts = new HashSet<>();
        for (PolledChange change : ordered) {
            accounts.add(change.event().accountId());
        }
        sequences.putAll(AccountSequences.lockSequences(conn, accounts));
        decided = lookUpAll ? new HashSet<>(SyncLogTable.alreadyDecided(conn, ordered.stream()
                .map(c -> new ChangeKey(c.event().accountId(), c.event().changeId())).toList())) : new HashSet<>();
        loadRecords(ordered);

        for (int i = 0; i < ordered.size(); i++) {
            PolledChange change = ordered.get(i);
            TopicPartition tp = change.source();
            if (parked.containsKey(tp)) {
                continue;
            }
            if (decide(change)) {
                progress.put(tp, change.offset() + 1);
                boolean lastOfPartition = i + 1 == ordered.size() || !ordered.get(i + 1).source().equals(tp);
                if (lastOfPartition) {
                    // The batch's other changes of this partition are other accounts', decided elsewhere or
                    // already above: for this transaction's accounts the partition is decided to the batch's end.
                    progress.put(tp, batchEnds.get(tp));
                }
            } else {
                parked.put(tp, change.offset());
            }
        }
        Map<SyncTable, List<SyncedRecord>> inserts = new EnumMap<>(SyncTable.class);
        Map<SyncTable, List<SyncedRecord>> upserts = new EnumMap<>(SyncTable.class);
        for (RecordKey key : written) {
            (stored.contains(key) ? upserts : inserts).computeIfAbsent(key.table(), t -> new ArrayList<>())
                    .add(records.get(key));
        }
        for (SyncTable table : SyncTable.values()) { // parents' tables first
            RecordsTable.insert(conn, table, inserts.getOrDefault(table, List.of()), this::parentsBook);
            RecordsTable.upsert(conn, table, upserts.getOrDefault(table, List.of()));
        }
        SyncLogTable.append(conn, decisions, now);
        AccountSequences.storeSequences(conn, advancedSequences);
        if (announce) {
            AccountSequences.notifyDecided(conn, signals());
        }
        for (Map.Entry<TopicPartition, Long> p : parked.entrySet()) {
            progress.put(p.getKey(), p.getValue());
        }
        return new BatchResult(progress, parked, decisions, unknownAccount, false);
    }

    /**
     * One signal for every account of the batch, also one whose changes were all decided before (a client's
     * re-push): its gateways wait for a signal before they look for decisions.
     */
    private List<DecidedSignal> signals() {
        Map<UUID, Map<UUID, Long>> applied = new HashMap<>();
        Map<UUID, Set<SyncTable>> tables = new HashMap<>();
        for (Decision d : decisions) {
            tables.computeIfAbsent(d.accountId(), a -> EnumSet.noneOf(SyncTable.class)).add(d.table());
            if (d.causeChangeId() != null) {
                continue; // a cascaded tombstone: no device waits for it
            }
            if (d.status() == DecisionStatus.APPLIED && d.op() != ChangeOp.USE_SERVER) {
                applied.computeIfAbsent(d.accountId(), a -> new LinkedHashMap<>()).put(d.changeId(), d.resultVersion());
            } else {
                needsLookup.add(d.accountId());
            }
        }
        List<DecidedSignal> signals = new ArrayList<>();
        for (UUID account : sequences.keySet()) {
            signals.add(new DecidedSignal(account, !needsLookup.contains(account),
                    applied.getOrDefault(account, Map.of()), sequences.get(account),
                    tables.getOrDefault(account, Set.of()), now.toEpochMilli()));
        }
        return signals;
    }

    /** Loads (and locks) every record the batch touches (unless a create's, see lookUpAll) and every parent it references. */
    private void loadRecords(List<PolledChange> ordered) throws SQLException {
        Map<SyncTable, Set<RecordKey>> keys = new TreeMap<>();
        for (PolledChange change : ordered) {
            ChangeEvent e = change.event();
            if (change.refusal() != null || e.rejection() != null) {
                continue; // decided rejected without reading anything: its data may name no valid parent
            }
            boolean create = e.op() == ChangeOp.UPSERT && e.baseVersion() == 0;
            if (lookUpAll || !create) {
                keys.computeIfAbsent(e.table(), t -> new LinkedHashSet<>())
                        .add(new RecordKey(e.table(), e.accountId(), e.recordId()));
            }
            RecordKey parent = change.parent();
            if (parent != null) {
                keys.computeIfAbsent(parent.table(), t -> new LinkedHashSet<>()).add(parent);
            }
        }
        for (Map.Entry<SyncTable, Set<RecordKey>> entry : keys.entrySet()) {
            for (SyncedRecord r : RecordsTable.lockCurrent(conn, entry.getKey(), entry.getValue())) {
                RecordKey key = new RecordKey(r.table(), r.accountId(), r.recordId());
                records.put(key, r);
                stored.add(key);
            }
        }
    }

    /** Decides one change; false when it must wait for its parent (its partition stops here). */
    private boolean decide(PolledChange change) throws SQLException {
        ObjectNode data = change.data();
        ChangeEvent e = change.event();
        ChangeKey changeKey = new ChangeKey(e.accountId(), e.changeId());
        if (!sequences.containsKey(e.accountId())) {
            unknownAccount.add(change);
            return true;
        }
        if (!decided.add(changeKey)) {
            needsLookup.add(e.accountId()); // a re-push waits for a decision this transaction does not announce
            return true; // decided before (redelivery or a re-push): exactly one decision per change id
        }
        if (change.refusal() != null) {
            decisions.add(Decision.rejected(change, Decision.INVALID_DATA, change.refusal()));
            return true;
        }
        if (e.rejection() != null) { // the gateway decided it from its request (ChangeValidator): only logged here
            decisions.add(Decision.rejected(change, e.rejection(), e.table().wireName() + "." + e.table().parentField()
                    + " names another parent than an earlier change of this record in the same request;"
                    + " parents are fixed at creation"));
            return true;
        }
        for (Map.Entry<SyncTable, Long> ancestor : e.after().entrySet()) {
            if (!parents.decidedPast(change, ancestor.getKey(), ancestor.getValue(), progress)) {
                decided.remove(changeKey); // a delete of its request comes first; its partition waits here
                return false;
            }
        }
        RecordKey key = new RecordKey(e.table(), e.accountId(), e.recordId());
        SyncedRecord current = records.get(key);
        long currentVersion = current == null ? 0 : current.version();
        switch (e.op()) {
            case USE_SERVER -> decisions.add(Decision.keptServerRecord(change, currentVersion, envelope(current)));
            case DELETE -> {
                if (current == null) {
                    decisions.add(Decision.rejected(change, Decision.NOT_FOUND,
                            e.table().wireName() + " " + e.recordId() + " does not exist"));
                } else if (e.baseVersion() != currentVersion) {
                    decisions.add(Decision.conflict(change, envelope(current)));
                } else {
                    SyncedRecord tombstone = write(key, current.data(), true, e, currentVersion + 1);
                    decisions.add(Decision.applied(change, tombstone.version(), tombstone.position()));
                    cascade(change, tombstone);
                }
            }
            case UPSERT -> {
                String changedParent = changedParent(current, data);
                if (changedParent != null) {
                    // Before the version check: whatever base_version it was made on, such a change can never apply
                    // (a conflict would only lead to a resolution rejected the same way). A tombstone is the record too.
                    decisions.add(Decision.rejected(change, Decision.IMMUTABLE_FIELD, changedParent));
                    return true;
                }
                if (e.baseVersion() != currentVersion) {
                    decisions.add(Decision.conflict(change, envelope(current)));
                    return true;
                }
                RecordKey parentKey = change.parent();
                if (parentKey != null) {
                    SyncedRecord parent = records.get(parentKey);
                    if (parent == null || parent.deleted()) {
                        if (!parents.parentChangesDecided(change, parentKey.table(), progress)) {
                            decided.remove(changeKey);
                            return false;
                        }
                        decisions.add(Decision.rejected(change, Decision.MISSING_PARENT, parentKey.table().wireName()
                                + " " + parentKey.recordId() + " does not exist in the account or is deleted"));
                        return true;
                    }
                }
                SyncedRecord applied = write(key, data, false, e, currentVersion + 1);
                decisions.add(Decision.applied(change, applied.version(), applied.position()));
            }
        }
        return true;
    }

    /**
     * Why an upsert of the stored record {@code current} would change its parent, or null when it would not (no
     * record yet, a table without a parent, or the same parent). Parents are fixed at creation (PROTOCOL.md, "Push").
     */
    private static String changedParent(SyncedRecord current, ObjectNode data) {
        String field = current == null ? null : current.table().parentField();
        if (field == null) {
            return null;
        }
        UUID stored = UUID.fromString(current.data().get(field).stringValue());
        UUID named = UUID.fromString(data.get(field).stringValue());
        if (stored.equals(named)) {
            return null;
        }
        return current.table().wireName() + "." + field + " is fixed at creation: " + current.table().wireName() + " "
                + current.recordId() + " has " + field + " " + stored + ", this change names " + named
                + " (delete the record and create a new one to move it)";
    }

    /**
     * The book of a new record's parent (a note's event's), kept on the record ({@link SyncTable#keepsParentsBook}):
     * the parent was read for the parent check, so it is in {@link #records} (as a tombstone when its delete in this
     * batch cascaded to the record).
     */
    private UUID parentsBook(SyncedRecord record) {
        SyncTable table = record.table();
        RecordKey parent = new RecordKey(table.parent().orElseThrow(), record.accountId(),
                UUID.fromString(record.data().get(table.parentField()).stringValue()));
        return UUID.fromString(records.get(parent).data().get("book_id").stringValue());
    }

    private static String envelope(SyncedRecord current) {
        return current == null ? null : current.toEnvelope().toString();
    }

    /**
     * A parent's delete tombstones its live children (and theirs), each as an applied change of its own, so
     * every device pulls the tombstones and replay sees them. See docs/PROTOCOL.md, "Deleting a parent".
     */
    private void cascade(PolledChange cause, SyncedRecord parent) throws SQLException {
        for (SyncTable childTable : parent.table().children()) {
            for (SyncedRecord child : RecordsTable.lockLiveChildren(conn, childTable, parent.accountId(), parent.recordId())) {
                RecordKey key = new RecordKey(childTable, child.accountId(), child.recordId());
                records.putIfAbsent(key, child);
                stored.add(key);
            }
            List<SyncedRecord> live = records.values().stream()
                    .filter(r -> r.table() == childTable && r.accountId().equals(parent.accountId()) && !r.deleted()
                            && parent.recordId().toString().equals(r.data().get(childTable.parentField()).stringValue()))
                    .sorted(Comparator.comparing(SyncedRecord::recordId))
                    .toList();
            for (SyncedRecord child : live) {
                RecordKey key = new RecordKey(childTable, child.accountId(), child.recordId());
                SyncedRecord tombstone = write(key, child.data(), true, cause.event(), child.version() + 1);
                ChangeEvent e = cause.event();
                UUID derivedId = UUID.nameUUIDFromBytes(("cascade:" + e.changeId() + ":" + childTable.wireName()
                        + ":" + child.recordId()).getBytes(StandardCharsets.UTF_8));
                decided.add(new ChangeKey(e.accountId(), derivedId));
                decisions.add(Decision.cascaded(cause, derivedId, childTable, child.recordId(), child.version(),
                        tombstone.version(), tombstone.position()));
                cascade(cause, tombstone);
            }
        }
    }

    private SyncedRecord write(RecordKey key, ObjectNode data, boolean deleted, ChangeEvent e, long version) {
        long position = sequences.merge(e.accountId(), 1L, Long::sum);
        advancedSequences.put(e.accountId(), position);
        SyncedRecord record = new SyncedRecord(key.table(), key.accountId(), key.recordId(), version, deleted,
                data, e.deviceId(), e.receivedAt(), now, position);
        records.put(key, record);
        written.add(key);
        return record;
    }
}

package io.syncd.client;

import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import io.syncd.client.http.SyncApi;
import io.syncd.client.store.DeviceInfo;
import io.syncd.client.store.LocalStore;
import io.syncd.client.store.OpenIssue;
import io.syncd.client.store.OutboxEntry;
import io.syncd.client.store.RecordValidator;
import io.syncd.common.SyncTable;
import io.syncd.common.TimeOrderedIds;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The device-side SDK: a local SQLite copy of the account's data that works offline, and sync with the server.
 * <p>
 * Local reads and writes ({@link #put}, {@link #delete}, {@link #get}, {@link #list}) never touch the network. A write
 * marks the record dirty and queues a change in the outbox, with its change id stored before it is ever sent.
 * {@link #syncAll()} pushes the outbox, then pulls what changed on the server. Safe for several threads of one app:
 * local operations take turns on the store, and one sync runs at a time (local edits go on meanwhile).
 */
public final class SyncClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SyncClient.class.getName());

    private final LocalStore store;
    private final SyncOptions options;
    private final LocalEdits edits;
    private final ConflictChoices choices;
    /** One network operation (push, pull, resolve, register) at a time. */
    private final ReentrantLock syncLock = new ReentrantLock();
    private volatile RegisteredDevice registered;

    /** The registered server and this device's identity and token. */
    private record RegisteredDevice(SyncApi api, DeviceInfo device) {
    }

    private SyncClient(LocalStore store, SyncOptions options) {
        this.store = store;
        this.options = options;
        this.edits = new LocalEdits(store, options.clock());
        this.choices = new ConflictChoices(store, options);
        this.registered = store.inTransaction(() -> store.deviceInfo().get()).map(this::connect).orElse(null);
    }

    /**
     * Opens the store file with the default options, creating the store if the file is missing or empty. Another
     * application's file (any SQLite database that is not a syncd store) is refused with {@link NotAStoreException}
     * and left as it was.
     */
    public static SyncClient open(Path file) {
        return open(file, SyncOptions.defaults());
    }

    /** Opens or creates the store; see {@link #open(Path)}. */
    public static SyncClient open(Path file, SyncOptions options) {
        return new SyncClient(LocalStore.open(file), options);
    }

    /**
     * Opens a store that exists already: a missing or empty file is refused with {@link NotAStoreException}, and
     * nothing is created (a mistyped path is an error, not a new empty store).
     */
    public static SyncClient openExisting(Path file, SyncOptions options) {
        return new SyncClient(LocalStore.openExisting(file), options);
    }

    /** Creates an account on the server (open signup); returns its id and enrollment key. */
    public static Account createAccount(URI server, String name) {
        return createAccount(server, name, null, SyncOptions.defaults());
    }

    /** Creates an account; {@code adminToken} is needed when the server's signup is {@code admin}, else null. */
    public static Account createAccount(URI server, String name, String adminToken, SyncOptions options) {
        return api(server, options).createAccount(name, adminToken);
    }

    // ---- registration ----

    /** Registers this store as a new device of the account the enrollment key belongs to. */
    public Registration register(URI server, String enrollmentKey, String deviceName, String platform) {
        syncLock.lock();
        try {
            if (registered != null) {
                throw new IllegalStateException("this store is registered already, as device "
                        + registered.device().deviceId() + " of " + registered.device().server()
                        + "; use a new store file for another device");
            }
            SyncApi api = api(server, options);
            SyncApi.Registered issued = api.register(enrollmentKey, deviceName, platform);
            DeviceInfo device = new DeviceInfo(server.toString(), issued.deviceId(), issued.accountId(),
                    issued.deviceToken(), deviceName, platform, issued.registeredAt());
            store.inTransaction(() -> {
                store.deviceInfo().save(device);
                return null;
            });
            this.registered = new RegisteredDevice(api, device);
            LOG.log(System.Logger.Level.INFO, "registered as device {0} of account {1}", device.deviceId(),
                    device.accountId());
            return new Registration(device.deviceId(), device.accountId());
        } finally {
            syncLock.unlock();
        }
    }

    /** Creates an account and registers this store as its first device. */
    public Registration registerNewAccount(URI server, String accountName, String deviceName, String platform) {
        Account account = createAccount(server, accountName, null, options);
        return register(server, account.enrollmentKey(), deviceName, platform);
    }

    /** This store's device identity; empty until registered. */
    public Optional<Registration> registration() {
        RegisteredDevice c = registered;
        return c == null ? Optional.empty()
                : Optional.of(new Registration(c.device().deviceId(), c.device().accountId()));
    }

    // ---- local data (works offline) ----

    /**
     * A new record id for {@link #put}: a time-ordered UUID (version 7), which the server's indexes take near their
     * right edge. Any UUID is accepted, but random ones slow the server's writes once its tables outgrow its cache.
     */
    public static String newRecordId() {
        return TimeOrderedIds.next().toString();
    }

    /** Creates or replaces a record's data locally (validated and normalized) and marks it dirty. */
    public LocalRecord put(String table, String recordId, JsonNode data) {
        SyncTable t = RecordValidator.table(table);
        String id = RecordValidator.recordId(recordId);
        ObjectNode normalized = RecordValidator.normalize(t, data);
        return store.inTransaction(() -> edits.put(t, id, normalized));
    }

    /** Deletes a record locally (a tombstone until synced); {@link RecordNotFoundException} if it was never here. */
    public LocalRecord delete(String table, String recordId) {
        SyncTable t = RecordValidator.table(table);
        String id = RecordValidator.recordId(recordId);
        return store.inTransaction(() -> edits.delete(t, id));
    }

    /** Several local edits in one transaction: all are stored, or none (the first failure is thrown). */
    public void batch(Consumer<Batch> work) {
        store.inTransaction(() -> {
            work.accept(new Batch() {
                @Override
                public LocalRecord put(String table, String recordId, JsonNode data) {
                    SyncTable t = RecordValidator.table(table);
                    ObjectNode normalized = RecordValidator.normalize(t, data);
                    return unchecked(() -> edits.put(t, RecordValidator.recordId(recordId), normalized));
                }

                @Override
                public LocalRecord delete(String table, String recordId) {
                    SyncTable t = RecordValidator.table(table);
                    return unchecked(() -> edits.delete(t, RecordValidator.recordId(recordId)));
                }
            });
            return null;
        });
    }

    /** The local record, live or deleted; empty if this store never had it. */
    public Optional<LocalRecord> get(String table, String recordId) {
        SyncTable t = RecordValidator.table(table);
        String id = RecordValidator.recordId(recordId);
        return store.inTransaction(() -> store.records().find(t, id));
    }

    /** The table's live local records. */
    public List<LocalRecord> list(String table) {
        SyncTable t = RecordValidator.table(table);
        return store.inTransaction(() -> store.records().listLive(t));
    }

    // ---- sync ----

    /** Sends the outbox; see {@link SyncReport} for what the counts mean. */
    public SyncReport pushChanges() {
        return whileSyncing(c -> newPush(c).pushAll());
    }

    /** Pulls every page of changes since the stored cursor. */
    public SyncReport pullChanges() {
        return whileSyncing(c -> newPull(c).pullAll());
    }

    /**
     * Pushes, then pulls: one report. Throws {@link ServerUnreachableException} when the server cannot be reached
     * after the retries; nothing is lost, and the next sync goes on from where this one stopped.
     */
    public SyncReport syncAll() {
        return whileSyncing(c -> {
            SyncReport pushed = newPush(c).pushAll();
            PullRun pull = newPull(c);
            SyncReport report = pushed.plus(pull.pullAll());
            if (pull.gaveBack() > 0) {
                report = report.plus(newPush(c).pushAll()); // what a restored server lost, sent back at once
            }
            LOG.log(System.Logger.Level.INFO, "sync of device {0}: {1}", c.device().deviceId(), report);
            return report;
        });
    }

    /** {@code GET /health} of the registered server answers 200 (one quick attempt). */
    public boolean isServerReachable() {
        return requireRegistered().api().healthy(options.connectTimeout());
    }

    // ---- the account's devices ----

    /** The account's devices, revoked ones included ({@code GET /api/devices}). */
    public List<Device> devices() {
        return whileSyncing(c -> c.api().devices(c.device().deviceToken()));
    }

    /**
     * Revokes a device of the account: its token stops working at once. Revoking this store's own device is allowed;
     * the store can then no longer sync. {@link ServerRejectedException} with status 404 if the account has no
     * active device of that id.
     */
    public void revokeDevice(String deviceId) {
        whileSyncing(c -> {
            c.api().revokeDevice(c.device().deviceToken(), deviceId);
            return null;
        });
    }

    // ---- conflicts and rejections ----

    /** Open conflicts, oldest first. */
    public List<Conflict> conflicts() {
        return store.inTransaction(() -> store.conflicts().list(OpenIssue.CONFLICT).stream().map(choices::conflict)
                .toList());
    }

    /** Open rejections, oldest first. */
    public List<Rejection> rejections() {
        return store.inTransaction(() -> store.conflicts().list(OpenIssue.REJECTED).stream().map(choices::rejection)
                .toList());
    }

    /** Resolves a conflict; see {@link #resolve(String, Resolution, JsonNode)}. */
    public ChangeResult resolve(Conflict conflict, Resolution resolution, JsonNode mergedData) {
        return resolve(conflict.changeId(), resolution, mergedData);
    }

    /**
     * Resolves the open conflict or rejection named by its change id. {@code use_server} takes the server's record,
     * {@code use_local} writes the local row over it, {@code merge} writes {@code mergedData} (which also becomes the
     * local row). The resolution is stored before it is sent: if the server cannot be reached it is sent by the next
     * sync ({@link ServerUnreachableException} is thrown meanwhile). The answer may be a new conflict when the record
     * moved on again.
     */
    public ChangeResult resolve(String changeId, Resolution resolution, JsonNode mergedData) {
        return whileSyncing(c -> {
            OutboxEntry entry = choices.choose(changeId, resolution, mergedData);
            return newPush(c).sendResolution(entry);
        });
    }

    // ---- state ----

    public SyncStatus status() {
        RegisteredDevice c = registered;
        return store.inTransaction(() -> new SyncStatus(c == null ? null : c.device().deviceId(),
                c == null ? null : c.device().accountId(), c == null ? null : c.device().server(),
                store.records().countDirty(), store.outbox().count(), store.conflicts().count(OpenIssue.CONFLICT),
                store.conflicts().count(OpenIssue.REJECTED), store.metadata().lastSyncAt().orElse(null)));
    }

    /** Waits for a running sync to end, then closes the store file. */
    @Override
    public void close() {
        syncLock.lock();
        try {
            store.close();
        } finally {
            syncLock.unlock();
        }
    }

    private PullRun newPull(RegisteredDevice c) {
        return new PullRun(store, c.api(), c.device().deviceToken(), options.pullPageSize(), options.clock(), edits);
    }

    private PushRun newPush(RegisteredDevice c) {
        return new PushRun(store, c.api(), c.device().deviceToken(), options, choices);
    }

    private <T> T whileSyncing(Function<RegisteredDevice, T> work) {
        RegisteredDevice c = requireRegistered();
        syncLock.lock();
        try {
            return work.apply(c);
        } finally {
            syncLock.unlock();
        }
    }

    private RegisteredDevice requireRegistered() {
        RegisteredDevice c = registered;
        if (c == null) {
            throw new NotRegisteredException();
        }
        return c;
    }

    private RegisteredDevice connect(DeviceInfo device) {
        return new RegisteredDevice(api(URI.create(device.server()), options), device);
    }

    private static SyncApi api(URI server, SyncOptions options) {
        return new SyncApi(server, options.connectTimeout(), options.requestTimeout(), options.retries(),
                options.clock(), options.sslContext());
    }

    /** SQL work inside a batch, whose transaction the caller holds. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private static <T> T unchecked(SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new SyncException("local store: " + e.getMessage(), e);
        }
    }
}

package io.syncd.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import io.syncd.client.http.EventStream;
import io.syncd.client.store.Database;
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
 * {@link #syncAll()} pushes the outbox, then pulls what changed on the server; {@link #startLive()} keeps the store in
 * sync while the app runs. Safe for several threads of one app: local operations take turns on the store, and one
 * sync runs at a time (local edits go on meanwhile).
 */
public final class SyncClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SyncClient.class.getName());

    private final LocalStore store;
    private final SyncOptions options;
    private final LocalEdits edits;
    private final ConflictChoices choices;
    private final DeviceSession session;
    private final BookSubscriptions books;
    private final EventMove eventMove;
    private final AccountAccess account;
    /** The running live sync, if any: local edits wake its pusher. */
    private volatile LiveSync live;

    private SyncClient(LocalStore store, SyncOptions options) {
        this.store = store;
        this.options = options;
        this.edits = new LocalEdits(store, options.clock());
        this.choices = new ConflictChoices(store, options);
        this.books = new BookSubscriptions(store);
        this.eventMove = new EventMove(store, edits);
        this.session = new DeviceSession(store, options, edits, choices, books);
        this.account = new AccountAccess(session);
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
        return DeviceSession.api(server, options).createAccount(name, adminToken);
    }

    // ---- registration ----

    /** Registers this store as a new device of the account the enrollment key belongs to. */
    public Registration register(URI server, String enrollmentKey, String deviceName, String platform) {
        return session.register(server, enrollmentKey, deviceName, platform);
    }

    /**
     * Registers this store as a new device by signing in with an identity provider's ID token (an OpenID Connect JWT
     * the app got from its sign-in): the device joins the account linked to that identity, or a new one the server
     * makes at first sign-in. {@link ServerRejectedException} 401 for a refused token (its message names the check),
     * 403 when the server makes no account for a new identity.
     */
    public Registration registerWithIdToken(URI server, String idToken, String deviceName, String platform) {
        return session.registerWithIdToken(server, idToken, deviceName, platform);
    }

    /** Creates an account and registers this store as its first device. */
    public Registration registerNewAccount(URI server, String accountName, String deviceName, String platform) {
        Account account = createAccount(server, accountName, null, options);
        return register(server, account.enrollmentKey(), deviceName, platform);
    }

    /** This store's device identity; empty until registered. */
    public Optional<Registration> registration() {
        DeviceSession.RegisteredDevice c = session.registered();
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
        LocalRecord written = store.inTransaction(() -> edits.put(t, id, normalized));
        edited();
        return AppStrokes.forApp(written);
    }

    /** Deletes a record locally (a tombstone until synced); {@link RecordNotFoundException} if it was never here. */
    public LocalRecord delete(String table, String recordId) {
        SyncTable t = RecordValidator.table(table);
        String id = RecordValidator.recordId(recordId);
        LocalRecord deleted = store.inTransaction(() -> edits.delete(t, id));
        edited();
        return AppStrokes.forApp(deleted);
    }

    /** Several local edits in one transaction: all are stored, or none (the first failure is thrown). */
    public void batch(Consumer<Batch> work) {
        store.inTransaction(() -> {
            work.accept(new LocalBatch(edits));
            return null;
        });
        edited();
    }

    /** Moves an event to another book, as a delete and a create with its notes, in one transaction (docs/SDK.md). */
    public LocalRecord moveEvent(String eventId, String toBookId) {
        String id = RecordValidator.recordId(eventId);
        String bookId = RecordValidator.recordId(toBookId);
        LocalRecord moved = store.inTransaction(() -> eventMove.move(id, bookId));
        edited();
        return AppStrokes.forApp(moved);
    }

    /** The local record, live or deleted; empty if this store never had it. */
    public Optional<LocalRecord> get(String table, String recordId) {
        SyncTable t = RecordValidator.table(table);
        String id = RecordValidator.recordId(recordId);
        return store.inTransaction(() -> store.records().find(t, id)).map(AppStrokes::forApp);
    }

    /** The table's live local records. */
    public List<LocalRecord> list(String table) {
        SyncTable t = RecordValidator.table(table);
        return store.inTransaction(() -> store.records().listLive(t)).stream().map(AppStrokes::forApp).toList();
    }

    // ---- sync ----

    /** Sends the outbox; see {@link SyncReport} for what the counts mean. */
    public SyncReport pushChanges() {
        return session.whileSyncing(c -> session.newPush(c).pushAll());
    }

    /** Pulls every page of changes since the stored cursor. */
    public SyncReport pullChanges() {
        return session.delivered(session.whileSyncing(c -> {
            PullRun pull = session.newPull(c, 0);
            return new DeviceSession.Pulled(pull.pullAll(), pull.applied());
        }));
    }

    /**
     * Pushes, then pulls: one report. Throws {@link ServerUnreachableException} when the server cannot be reached
     * after the retries; nothing is lost, and the next sync goes on from where this one stopped.
     */
    public SyncReport syncAll() {
        return syncAll(Duration.ZERO);
    }

    /**
     * Pushes, then pulls with a long-poll: when the server has nothing new, it holds the pull up to {@code wait}
     * (at most 30 s) until something is decided, so the sync returns as soon as another device's change arrives.
     */
    public SyncReport syncAll(Duration wait) {
        if (wait.isNegative() || wait.toMillis() > LiveOptions.MAX_WAIT_MS) {
            throw new IllegalArgumentException("wait must be 0 to 30 s, got " + wait);
        }
        return session.delivered(session.whileSyncing(c -> {
            SyncReport pushed = session.newPush(c).pushAll();
            PullRun pull = session.newPull(c, (int) wait.toMillis());
            SyncReport report = pushed.plus(pull.pullAll());
            if (pull.gaveBack() > 0) {
                report = report.plus(session.newPush(c).pushAll()); // what a restored server lost, sent back at once
            }
            LOG.log(System.Logger.Level.INFO, "sync of device {0}: {1}", c.device().deviceId(), report);
            return new DeviceSession.Pulled(report, pull.applied());
        }));
    }

    // ---- selective sync ----

    /**
     * Subscribes to books: the next pull brings their events, notes and drawings (the server backfills them). While
     * every book is synced (the default), this syncs exactly these books from now on, and the others leave as with
     * {@link #unsubscribeBooks}. The list of books itself is always synced whole.
     */
    public void subscribeBooks(Set<UUID> bookIds) {
        Set<String> ids = BookSubscriptions.ids(bookIds);
        changeBooks(() -> books.subscribe(ids));
    }

    /**
     * Unsubscribes from books: their events, notes and drawings leave this store (not the server) with the first pull
     * after their unsynced edits are decided and conflicts resolved ({@link #pendingBookRemovals()} says why not yet).
     * While every book is synced, this syncs the books this store knows but these (not those created later).
     */
    public void unsubscribeBooks(Set<UUID> bookIds) {
        Set<String> ids = BookSubscriptions.ids(bookIds);
        changeBooks(() -> books.unsubscribe(ids));
    }

    /** Syncs every book again (the default), books created later included: the next pull backfills the others. */
    public void syncAllBooks() {
        changeBooks(books::subscribeEvery);
    }

    /** The subscribed books; empty while every book is synced (the default), unlike a set of none. */
    public Optional<Set<UUID>> subscribedBooks() {
        return store.inTransaction(books::subscribed).map(BookSubscriptions::uuids);
    }

    /** Unsubscribed books whose records are still here, each with why: unsynced edits, conflicts, rejections. */
    public List<PendingBookRemoval> pendingBookRemovals() {
        return store.inTransaction(books::pendingRemovals);
    }

    // ---- live sync ----

    /** Starts live sync with the default settings; see {@link #startLive(LiveOptions)}. */
    public LiveSync startLive() {
        return startLive(LiveOptions.defaults());
    }

    /**
     * Keeps this store in sync while the app runs, until the returned {@link LiveSync} (or this client) is closed:
     * remote changes are pulled as the server announces them (see {@link #addRemoteChangeListener}), local edits are
     * pushed shortly after they are made. One at a time per client; explicit syncs still work meanwhile.
     */
    public synchronized LiveSync startLive(LiveOptions liveOptions) {
        session.requireRegistered();
        if (live != null) {
            throw new IllegalStateException("live sync is running already; close it first");
        }
        LiveSync started = new LiveSync(this, liveOptions, options);
        live = started;
        started.start();
        return started;
    }

    /**
     * Calls the listener after each pull (live, or {@link #pullChanges}, {@link #syncAll}) that wrote records of
     * other devices into the store, on the thread that pulled, after the pull has committed. Not called for this
     * device's own changes coming back, nor for records held back behind a local edit (they reach the store, and a
     * listener, only through the conflict or push that settles that edit).
     */
    public void addRemoteChangeListener(Consumer<RemoteChanges> listener) {
        session.addListener(Objects.requireNonNull(listener));
    }

    public void removeRemoteChangeListener(Consumer<RemoteChanges> listener) {
        session.removeListener(listener);
    }

    /** {@code GET /health} of the registered server answers 200 (one quick attempt). */
    public boolean isServerReachable() {
        return session.requireRegistered().api().healthy(options.connectTimeout());
    }

    /** What this device may do for its whole account: its devices, identities, signing out everywhere, the key. */
    public AccountAccess account() {
        return account;
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
        return session.whileSyncing(c -> {
            OutboxEntry entry = choices.choose(changeId, resolution, mergedData);
            return AppStrokes.forApp(session.newPush(c).sendResolution(entry));
        });
    }

    // ---- state ----

    public SyncStatus status() {
        DeviceSession.RegisteredDevice c = session.registered();
        return store.inTransaction(() -> new SyncStatus(c == null ? null : c.device().deviceId(),
                c == null ? null : c.device().accountId(), c == null ? null : c.device().server(),
                store.records().countDirty(), store.outbox().count(), store.conflicts().count(OpenIssue.CONFLICT),
                store.conflicts().count(OpenIssue.REJECTED), store.metadata().lastSyncAt().orElse(null),
                books.pendingRemovals()));
    }

    /** Stops live sync, waits for a running sync to end, then closes the store file. */
    @Override
    public void close() {
        LiveSync running = live;
        if (running != null) {
            running.close();
        }
        session.closeStore();
    }

    // ---- what a LiveSync uses ----

    void livePull(String eventId) {
        session.livePull(eventId);
    }

    EventStream openStream() {
        return session.openStream();
    }

    boolean awaitServerChanges(int waitMs) {
        return session.awaitServerChanges(waitMs);
    }

    synchronized void liveClosed(LiveSync closed) {
        if (live == closed) {
            live = null;
        }
    }

    private void changeBooks(Database.Work<Set<String>> change) {
        store.inTransaction(change);
        LiveSync running = live;
        if (running != null) {
            running.pullSoon(); // an added book is backfilled, a removed one dropped, without waiting for a change
        }
    }

    private void edited() {
        LiveSync running = live;
        if (running != null) {
            running.pushSoon();
        }
    }
}

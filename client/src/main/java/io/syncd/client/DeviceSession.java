package io.syncd.client;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import io.syncd.client.http.EventStream;
import io.syncd.client.http.SyncApi;
import io.syncd.client.store.DeviceInfo;
import io.syncd.client.store.LocalStore;

/**
 * A store's registered device and its network side: one network operation (push, pull, resolve, register) at a time,
 * the runs that do them, and handing what a pull wrote to the app's listeners once the sync lock is released.
 */
final class DeviceSession {
    private static final System.Logger LOG = System.getLogger(SyncClient.class.getName());

    private final LocalStore store;
    private final SyncOptions options;
    private final LocalEdits edits;
    private final ConflictChoices choices;
    private final BookSubscriptions books;
    private final ReentrantLock syncLock = new ReentrantLock();
    private final List<Consumer<RemoteChanges>> listeners = new CopyOnWriteArrayList<>();
    private volatile RegisteredDevice registered;

    /** What a pull did, handed to the listeners once the sync lock is released. */
    record Pulled(SyncReport report, RemoteChanges changes) {
    }

    /** The registered server and this device's identity and token. */
    record RegisteredDevice(SyncApi api, DeviceInfo device) {
    }

    DeviceSession(LocalStore store, SyncOptions options, LocalEdits edits, ConflictChoices choices,
                  BookSubscriptions books) {
        this.store = store;
        this.books = books;
        this.options = options;
        this.edits = edits;
        this.choices = choices;
        this.registered = store.inTransaction(() -> store.deviceInfo().get()).map(this::connect).orElse(null);
    }

    /** The registered device; null until registered. */
    RegisteredDevice registered() {
        return registered;
    }

    Registration register(URI server, String enrollmentKey, String deviceName, String platform) {
        return register(server, deviceName, platform, api -> api.register(enrollmentKey, deviceName, platform));
    }

    Registration registerWithIdToken(URI server, String idToken, String deviceName, String platform) {
        return register(server, deviceName, platform, api -> api.registerWithIdToken(idToken, deviceName, platform));
    }

    private Registration register(URI server, String deviceName, String platform,
                                  Function<SyncApi, SyncApi.Registered> registration) {
        syncLock.lock();
        try {
            if (registered != null) {
                throw new IllegalStateException("this store is registered already, as device "
                        + registered.device().deviceId() + " of " + registered.device().server()
                        + "; use a new store file for another device");
            }
            SyncApi api = api(server, options);
            SyncApi.Registered issued = registration.apply(api);
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

    void addListener(Consumer<RemoteChanges> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<RemoteChanges> listener) {
        listeners.remove(listener);
    }

    /** Closes the store file once a running sync has ended. */
    void closeStore() {
        syncLock.lock();
        try {
            store.close();
        } finally {
            syncLock.unlock();
        }
    }

    /** Pulls until has_more is false (then stores the stream event id it covers) and pushes what a resync gave back. */
    void livePull(String eventId) {
        delivered(whileSyncing(c -> {
            PullRun pull = newPull(c, 0);
            SyncReport report = pull.pullAll();
            if (pull.gaveBack() > 0) {
                report = report.plus(newPush(c).pushAll());
            }
            if (eventId != null) {
                store.inTransaction(() -> {
                    store.metadata().setLastEventId(eventId);
                    return null;
                });
            }
            return new Pulled(report, pull.applied());
        }));
    }

    /** Opens the change stream, resuming after the stored event id. */
    EventStream openStream() {
        RegisteredDevice c = requireRegistered();
        String lastEventId = store.inTransaction(() -> store.metadata().lastEventId().orElse(null));
        return c.api().stream(c.device().deviceToken(), lastEventId);
    }

    /**
     * A long-poll that only looks: one record past the stored cursor, held by the server up to {@code waitMs}; true
     * when there is something to pull. Stores nothing, so it takes no lock.
     */
    boolean awaitServerChanges(int waitMs) {
        RegisteredDevice c = requireRegistered();
        String cursor = store.inTransaction(() -> store.metadata().cursor().orElse(null));
        Set<String> pullSet = store.inTransaction(books::pullSet);
        return !c.api().pull(c.device().deviceToken(), cursor, PullRun.TABLES, 1, waitMs, pullSet).path("changes")
                .isEmpty();
    }

    SyncReport delivered(Pulled pulled) {
        if (!pulled.changes().isEmpty()) {
            for (Consumer<RemoteChanges> listener : listeners) {
                try {
                    listener.accept(pulled.changes());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a remote change listener failed", e);
                }
            }
        }
        return pulled.report();
    }

    PullRun newPull(RegisteredDevice c, int waitMs) {
        return new PullRun(store, c.api(), c.device().deviceToken(), options.pullPageSize(), options.clock(), edits,
                books, waitMs);
    }

    PushRun newPush(RegisteredDevice c) {
        return new PushRun(store, c.api(), c.device().deviceToken(), options, choices);
    }

    <T> T whileSyncing(Function<RegisteredDevice, T> work) {
        RegisteredDevice c = requireRegistered();
        syncLock.lock();
        try {
            return work.apply(c);
        } finally {
            syncLock.unlock();
        }
    }

    RegisteredDevice requireRegistered() {
        RegisteredDevice c = registered;
        if (c == null) {
            throw new NotRegisteredException();
        }
        return c;
    }

    private RegisteredDevice connect(DeviceInfo device) {
        return new RegisteredDevice(api(URI.create(device.server()), options), device);
    }

    static SyncApi api(URI server, SyncOptions options) {
        return new SyncApi(server, options.connectTimeout(), options.requestTimeout(), options.retries(),
                options.clock(), options.sslContext());
    }
}

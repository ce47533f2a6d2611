package io.syncd.gateway.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.syncd.common.SyncTable;
import io.syncd.edge.errors.ApiException;
import io.syncd.edge.streams.OpenStreams;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.decided.DecisionListener;
import io.syncd.store.devices.DevicesTable;

/**
 * The open change streams of this process (PROTOCOL.md, "Real-time"): one subscription to the process's decision
 * listener per account with streams, fanned out to each of the account's streams. A decision marks what each stream
 * must be told and schedules one write after the merge window; writes go to a pool of writer threads, one at a time
 * per stream and never waiting for a device ({@link StreamConnection}), so a device that reads slowly (or not at all)
 * holds back its own next event only. Every second the devices of the open streams are checked for revocation; a
 * revoked device's stream is closed.
 */
@Component
public class StreamHub implements OpenStreams, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(StreamHub.class);
    private static final Duration REVOCATION_CHECK = Duration.ofSeconds(1);
    private static final Duration RETRY_WHEN_WRITERS_BUSY = Duration.ofMillis(50);
    /** How long a stream may wait for its request's upgrade before it is taken for one whose upgrade failed. */
    private static final Duration UPGRADE_LIMIT = Duration.ofSeconds(10);
    private static final byte[] PING = bytes(": ping\n\n");

    private final DecisionListener listener;
    private final AccountsTable accounts;
    private final DevicesTable devices;
    private final StreamProperties properties;
    private final ConcurrentMap<UUID, AccountStreams> streams = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong events = new AtomicLong();
    private final Counter changedSent;
    private final Counter readySent;
    private final Timer notifyLatency;
    private ScheduledThreadPoolExecutor timer;
    private ThreadPoolExecutor writers;
    private volatile boolean running;

    /** The streams of one account and its subscription to the decision listener. */
    private record AccountStreams(Set<ChangeStream> streams, DecisionListener.Subscription subscription) {
    }

    StreamHub(DecisionListener listener, AccountsTable accounts, DevicesTable devices, StreamProperties properties,
              MeterRegistry registry) {
        this.listener = listener;
        this.accounts = accounts;
        this.devices = devices;
        this.properties = properties;
        Gauge.builder("syncd.streams.open", open, AtomicInteger::get)
                .description("Change streams open in this process").register(registry);
        this.changedSent = Counter.builder("syncd.stream.events").tag("event", "changed")
                .description("Events written to change streams").register(registry);
        this.readySent = Counter.builder("syncd.stream.events").tag("event", "ready")
                .description("Events written to change streams").register(registry);
        this.notifyLatency = Timer.builder("syncd.stream.notify")
                .description("From an applier's commit of decisions to the changed event written to a stream")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofSeconds(2))
                .register(registry);
    }

    /** A stream registered with the hub, and the first event its response starts with. */
    record Opened(ChangeStream stream, byte[] firstEvent) {
    }

    /**
     * Opens a stream for the device: registered (so no decision after this call is missed), then its first event,
     * {@code ready} when {@code lastEventId} names the account's current sequence, else {@code changed}. Nothing more
     * is written to it until {@link #upgraded} gives it its socket; {@link #abandon} it if that never comes.
     */
    public Opened open(AuthenticatedDevice device, String lastEventId) {
        if (!running) {
            throw ApiException.unavailable("the server is stopping; reconnect to another");
        }
        if (open.incrementAndGet() > properties.maxConnections()) {
            open.decrementAndGet();
            throw ApiException.unavailable("this server holds its most change streams (" + properties.maxConnections()
                    + "); retry later, or long-poll with wait_ms");
        }
        ChangeStream stream = new ChangeStream(device.accountId(), device.deviceId());
        register(stream);
        try {
            long seq = accounts.changeSequence(device.accountId());
            StreamToken token = new StreamToken(seq, events.incrementAndGet());
            stream.told(seq);
            if (StreamToken.changeSeqOf(lastEventId) == seq) {
                readySent.increment();
                return new Opened(stream, bytes("event: ready\nid: " + token.encode() + "\ndata: {}\n\n"));
            }
            changedSent.increment();
            return new Opened(stream, changed(token, EnumSet.allOf(SyncTable.class)));
        } catch (RuntimeException e) {
            remove(stream);
            throw e;
        }
    }

    /** The stream's response has started and its request is upgraded: its socket is this connection. */
    void upgraded(ChangeStream stream, StreamConnection connection) {
        connection.attach(this, stream);
        stream.connect(connection);
    }

    /** The stream's response could not be started: it is forgotten. */
    void abandon(ChangeStream stream) {
        remove(stream);
    }

    /**
     * The stream may take its next write: Tomcat has handed its connection the socket (what was decided since the
     * first event follows), or a write that waited for the socket is out.
     */
    void writable(ChangeStream stream) {
        if (stream.written()) {
            schedule(stream, properties.mergeWindow());
        }
    }

    /** The stream's socket is closed (the device left, or the server closed it): the stream is forgotten. */
    void closed(ChangeStream stream) {
        remove(stream);
    }

    /** How many streams this process holds open. */
    public int openStreams() {
        return open.get();
    }

    @Override
    public Map<UUID, Integer> byDevice(UUID accountId) {
        AccountStreams account = streams.get(accountId);
        Map<UUID, Integer> counts = new HashMap<>();
        if (account != null) {
            account.streams().forEach(stream -> counts.merge(stream.deviceId(), 1, Integer::sum));
        }
        return counts;
    }

    private void register(ChangeStream stream) {
        streams.compute(stream.accountId(), (account, existing) -> {
            if (existing != null) {
                existing.streams().add(stream);
                return existing;
            }
            Set<ChangeStream> set = new CopyOnWriteArraySet<>();
            set.add(stream);
            return new AccountStreams(set, listener.subscribe(account, signal -> decided(account, signal),
                    () -> reconnected(account)));
        });
    }

    private void remove(ChangeStream stream) {
        boolean[] removed = {false};
        streams.computeIfPresent(stream.accountId(), (account, existing) -> {
            removed[0] = existing.streams().remove(stream);
            if (existing.streams().isEmpty()) {
                existing.subscription().close();
                return null;
            }
            return existing;
        });
        if (removed[0]) {
            open.decrementAndGet();
        }
    }

    private void decided(UUID account, DecidedSignal signal) {
        if (signal.tables().isEmpty()) {
            return; // only changes decided before: nothing new
        }
        offer(account, signal.tables(), signal.changeSeq(), signal.decidedAtMillis());
    }

    /** The listener was away: something of the account may have been decided unheard. */
    private void reconnected(UUID account) {
        offer(account, EnumSet.allOf(SyncTable.class), DecidedSignal.UNKNOWN, 0);
    }

    private void offer(UUID account, Set<SyncTable> tables, long seq, long decidedAtMillis) {
        AccountStreams account0 = streams.get(account);
        if (account0 == null) {
            return;
        }
        for (ChangeStream stream : account0.streams()) {
            if (stream.offer(tables, seq, decidedAtMillis)) {
                schedule(stream, properties.mergeWindow());
            }
        }
    }

    private void schedule(ChangeStream stream, Duration delay) {
        ScheduledThreadPoolExecutor t = timer;
        if (t == null || t.isShutdown()) {
            return;
        }
        t.schedule(() -> hand(stream), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void hand(ChangeStream stream) {
        try {
            writers.execute(() -> write(stream));
        } catch (RejectedExecutionException e) {
            schedule(stream, RETRY_WHEN_WRITERS_BUSY); // every writer is busy; try again soon
        }
    }

    private void write(ChangeStream stream) {
        ChangeStream.Pending pending = stream.take();
        boolean out;
        try {
            if (pending.changed()) {
                StreamToken token = new StreamToken(pending.changeSeq(), events.incrementAndGet());
                out = send(stream, changed(token, pending.tables()));
                changedSent.increment();
                if (pending.decidedAtMillis() > 0) {
                    notifyLatency.record(Duration.ofMillis(Math.max(0,
                            System.currentTimeMillis() - pending.decidedAtMillis())));
                }
            } else if (pending.ping()) {
                out = send(stream, PING);
            } else {
                out = true;
            }
        } catch (IOException e) {
            // The device went away (or its stream was closed): nothing more is written to it.
            close(stream);
            return;
        }
        // A write the kernel did not take whole goes on when the socket is writable; writable() follows it.
        if (out && stream.written()) {
            schedule(stream, properties.mergeWindow());
        }
    }

    private static boolean send(ChangeStream stream, byte[] event) throws IOException {
        StreamConnection connection = stream.connection();
        if (connection == null) {
            throw new IOException("the stream was never connected");
        }
        return connection.send(event);
    }

    private void close(ChangeStream stream) {
        remove(stream);
        StreamConnection connection = stream.connection();
        if (connection != null) {
            connection.close();
        }
    }

    private void heartbeat() {
        for (AccountStreams account : streams.values()) {
            for (ChangeStream stream : account.streams()) {
                if (stream.offerPing()) {
                    hand(stream);
                }
            }
        }
    }

    /** Every second: closes the streams of revoked devices, and forgets those whose request was never upgraded. */
    private void check() {
        List<ChangeStream> all = new ArrayList<>();
        streams.values().forEach(account -> all.addAll(account.streams()));
        if (all.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (ChangeStream stream : all) {
            StreamConnection connection = stream.connection();
            if ((connection == null || !connection.connected()) && now - stream.openedAt() > UPGRADE_LIMIT.toNanos()) {
                log.warn("A change stream of device {} was never connected; it is closed", stream.deviceId());
                close(stream);
            }
        }
        try {
            Set<UUID> revoked = devices.revokedAmong(all.stream().map(ChangeStream::deviceId).distinct().toList());
            for (ChangeStream stream : all) {
                if (revoked.contains(stream.deviceId())) {
                    close(stream);
                }
            }
        } catch (DataAccessException e) {
            log.debug("Cannot check the streams' devices for revocation now: {}", e.getMessage());
        }
    }

    private static byte[] changed(StreamToken token, Set<SyncTable> tables) {
        StringBuilder event = new StringBuilder("event: changed\nid: ").append(token.encode())
                .append("\ndata: {\"tables\":[");
        String separator = "";
        for (SyncTable table : EnumSet.copyOf(tables)) {
            event.append(separator).append('"').append(table.wireName()).append('"');
            separator = ",";
        }
        return bytes(event.append("]}\n\n").toString());
    }

    /** An event as the protocol writes it ({@code event: changed}, with the space), in UTF-8. */
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void start() {
        timer = new ScheduledThreadPoolExecutor(1, daemon("stream-timer"));
        timer.setRemoveOnCancelPolicy(true);
        writers = new ThreadPoolExecutor(2, 256, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("stream-writer"));
        long heartbeat = properties.heartbeat().toMillis();
        timer.scheduleAtFixedRate(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        long check = REVOCATION_CHECK.toMillis();
        timer.scheduleWithFixedDelay(this::check, check, check, TimeUnit.MILLISECONDS);
        running = true;
    }

    /** Closes every stream, so that the web server's graceful shutdown does not wait for devices to leave. */
    @Override
    public synchronized void stop() {
        running = false;
        streams.values().forEach(account -> account.streams().forEach(this::close));
        timer.shutdownNow();
        writers.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown (phase Integer.MAX_VALUE - 1024), which waits for open requests. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 512;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

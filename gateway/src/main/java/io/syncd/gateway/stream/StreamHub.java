package io.syncd.gateway.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.syncd.common.SyncTable;
import io.syncd.edge.errors.ApiException;
import io.syncd.gateway.auth.AuthenticatedDevice;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.decided.DecidedSignal;
import io.syncd.store.decided.DecisionListener;
import io.syncd.store.devices.DevicesTable;

/**
 * The open change streams of this process (PROTOCOL.md, "Real-time"): one subscription to the process's decision
 * listener per account with streams, fanned out to each of the account's streams. A decision marks what each stream
 * must be told and schedules one write after the merge window; writes go to a pool of writer threads, one at a time
 * per stream, so a device that reads slowly (or not at all) holds one writer, never the others' events. Every second
 * the devices of the open streams are checked for revocation; a revoked device's stream is closed.
 */
@Component
public class StreamHub implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(StreamHub.class);
    private static final Duration REVOCATION_CHECK = Duration.ofSeconds(1);
    private static final Duration RETRY_WHEN_WRITERS_BUSY = Duration.ofMillis(50);
    private static final MediaType EVENT_TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);
    private static final Set<DataWithMediaType> PING = frame(": ping\n\n");

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

    /**
     * Opens a stream for the device: registered (so no decision after this call is missed), then its first event,
     * {@code ready} when {@code lastEventId} names the account's current sequence, else {@code changed}.
     */
    public SseEmitter open(AuthenticatedDevice device, String lastEventId) {
        if (!running) {
            throw ApiException.unavailable("the server is stopping; reconnect to another");
        }
        if (open.incrementAndGet() > properties.maxConnections()) {
            open.decrementAndGet();
            throw ApiException.unavailable("this server holds its most change streams (" + properties.maxConnections()
                    + "); retry later, or long-poll with wait_ms");
        }
        // No timeout: a stream lasts until the device leaves, is revoked, or the server stops.
        SseEmitter emitter = new SseEmitter(0L);
        ChangeStream stream = new ChangeStream(device.accountId(), device.deviceId(), emitter);
        emitter.onCompletion(() -> remove(stream));
        emitter.onError(e -> remove(stream));
        emitter.onTimeout(() -> remove(stream));
        register(stream);
        try {
            long seq = accounts.changeSequence(device.accountId());
            StreamToken token = new StreamToken(seq, events.incrementAndGet());
            stream.told(seq);
            if (StreamToken.changeSeqOf(lastEventId) == seq) {
                emitter.send(frame("event: ready\nid: " + token.encode() + "\ndata: {}\n\n"));
                readySent.increment();
            } else {
                emitter.send(changed(token, EnumSet.allOf(SyncTable.class)));
                changedSent.increment();
            }
        } catch (IOException | RuntimeException e) {
            remove(stream);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw ApiException.unavailable("the stream could not be opened; retry");
        }
        if (stream.written()) {
            schedule(stream, properties.mergeWindow());
        }
        return emitter;
    }

    /** How many streams this process holds open. */
    public int openStreams() {
        return open.get();
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
            schedule(stream, RETRY_WHEN_WRITERS_BUSY); // every writer is stuck on a slow device; try again soon
        }
    }

    private void write(ChangeStream stream) {
        ChangeStream.Pending pending = stream.take();
        try {
            if (pending.changed()) {
                StreamToken token = new StreamToken(pending.changeSeq(), events.incrementAndGet());
                stream.emitter().send(changed(token, pending.tables()));
                changedSent.increment();
                if (pending.decidedAtMillis() > 0) {
                    notifyLatency.record(Duration.ofMillis(Math.max(0,
                            System.currentTimeMillis() - pending.decidedAtMillis())));
                }
            } else if (pending.ping()) {
                stream.emitter().send(PING);
            }
        } catch (IOException | IllegalStateException e) {
            // The device went away (or its stream was completed): nothing more is written to it.
            close(stream);
            return;
        }
        if (stream.written()) {
            schedule(stream, properties.mergeWindow());
        }
    }

    private void close(ChangeStream stream) {
        remove(stream);
        try {
            stream.emitter().complete();
        } catch (IllegalStateException e) {
            // completed already
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

    private void closeRevoked() {
        List<ChangeStream> all = new ArrayList<>();
        streams.values().forEach(account -> all.addAll(account.streams()));
        if (all.isEmpty()) {
            return;
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

    private static Set<DataWithMediaType> changed(StreamToken token, Set<SyncTable> tables) {
        StringBuilder event = new StringBuilder("event: changed\nid: ").append(token.encode())
                .append("\ndata: {\"tables\":[");
        String separator = "";
        for (SyncTable table : EnumSet.copyOf(tables)) {
            event.append(separator).append('"').append(table.wireName()).append('"');
            separator = ",";
        }
        return frame(event.append("]}\n\n").toString());
    }

    /**
     * An event as the protocol writes it ({@code event: changed}, with the space), sent as it is: Spring's event
     * builder writes {@code event:changed}, which parsers read the same but the protocol's examples do not show.
     */
    private static Set<DataWithMediaType> frame(String text) {
        return Set.of(new DataWithMediaType(text, EVENT_TEXT));
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
        timer.scheduleWithFixedDelay(this::closeRevoked, check, check, TimeUnit.MILLISECONDS);
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

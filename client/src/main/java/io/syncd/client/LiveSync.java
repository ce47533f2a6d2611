package io.syncd.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.syncd.client.http.Backoff;
import io.syncd.client.http.EventStream;

/**
 * A {@link SyncClient} kept in sync while the app runs (from {@link SyncClient#startLive()}): the server's change
 * stream ({@code GET /api/sync/stream}) says when to pull, and local edits are pushed shortly after they are made.
 * <p>
 * Three daemon threads: the <em>watcher</em> holds the stream open (reconnecting with backoff and
 * {@code Last-Event-ID}), or long-polls while the stream cannot be opened; the <em>puller</em> pulls until
 * {@code has_more} is false whenever the watcher sees a change, once more if one came during a pull; the
 * <em>pusher</em> pushes the outbox {@link LiveOptions#pushDelay()} after an edit. Pulls and pushes are the client's
 * own ({@link SyncClient#pullChanges()}, {@link SyncClient#pushChanges()}): conflicts, rejections and remote-change
 * listeners work as with explicit syncs. {@link #close()} stops all of it; an edit not pushed by then stays dirty in
 * the store, and the next sync (or live sync) sends it.
 */
public final class LiveSync implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LiveSync.class.getName());
    /** Statuses of a server (or proxy) that has no stream to give: long-poll instead of reconnecting. */
    private static final Set<Integer> NO_STREAM = Set.of(404, 405, 406, 501, 503);

    /** How the watcher learns of changes now. */
    public enum Mode {
        /** Opening the stream, or waiting to reconnect (the server cannot be reached). */
        CONNECTING,
        /** The stream is open. */
        STREAM,
        /** The stream could not be opened: pulls with {@code wait_ms}, the stream tried again now and then. */
        LONG_POLL
    }

    private final SyncClient client;
    private final LiveOptions options;
    private final Backoff backoff;
    private final Signal pullWanted = new Signal();
    private final Signal pushWanted = new Signal();
    /** Pulls completed; the long-poll waits for the pull it asked for before it polls again. */
    private final AtomicLong pullsDone = new AtomicLong();
    private final Thread watcher;
    private final Thread puller;
    private final Thread pusher;
    private final Thread watchdog;
    private volatile boolean closed;
    private volatile Mode mode = Mode.CONNECTING;
    private volatile EventStream stream;
    /** The id of the latest {@code changed} event: stored once a pull that started after it has completed. */
    private volatile String pendingEventId;

    LiveSync(SyncClient client, LiveOptions options, SyncOptions syncOptions) {
        this.client = client;
        this.options = options;
        this.backoff = new Backoff(syncOptions.retries());
        this.watcher = daemon("syncd-live-watcher", this::watch);
        this.puller = daemon("syncd-live-puller", this::pullWhenAsked);
        this.pusher = daemon("syncd-live-pusher", this::pushWhenAsked);
        this.watchdog = daemon("syncd-live-watchdog", this::closeSilentStreams);
    }

    void start() {
        pushWanted.raise(); // what the outbox held before: edits made offline, or before the app restarted
        watcher.start();
        puller.start();
        pusher.start();
        watchdog.start();
    }

    /** How changes are being learned of right now. */
    public Mode mode() {
        return mode;
    }

    /**
     * Pushes the outbox soon. Edits through this client wake the pusher by themselves; call this when the store file
     * was written by another process (another {@code sync-cli} command, say).
     */
    public void pushSoon() {
        pushWanted.raise();
    }

    /** Pulls soon: the books subscribed changed, so there is something to backfill or drop. */
    void pullSoon() {
        pullWanted.raise();
    }

    /**
     * Stops the threads and closes the stream; waits (bounded) until they have ended. An edit not pushed yet stays
     * dirty in the store (and queued in its outbox), so nothing unsynced is lost. Safe to call more than once.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeStream();
        for (Thread thread : new Thread[] {watcher, puller, pusher, watchdog}) {
            thread.interrupt(); // ends a wait, a backoff sleep or a request in flight (a sent push is re-sent later)
        }
        for (Thread thread : new Thread[] {watcher, puller, pusher, watchdog}) {
            if (thread == Thread.currentThread()) {
                continue; // closed by a listener, on the puller: it ends once the listener returns
            }
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        client.liveClosed(this);
    }

    // ---- the watcher: stream, or long-poll ----

    private void watch() {
        int failures = 0;
        long streamAgainAt = System.nanoTime();
        while (!closed) {
            try {
                if (System.nanoTime() - streamAgainAt >= 0) {
                    mode = Mode.CONNECTING;
                    if (readStream()) {
                        failures = 1; // it worked and ended (the server stopped, say): reconnect soon
                    } else {
                        LOG.log(System.Logger.Level.INFO, "the change stream ended before its first event (a proxy"
                                + " cuts it?): long-polling, the stream is tried again in {0} s",
                                options.streamRetryInterval().toSeconds());
                        streamAgainAt = System.nanoTime() + options.streamRetryInterval().toNanos();
                        continue;
                    }
                } else {
                    mode = Mode.LONG_POLL;
                    longPoll();
                    failures = 0;
                    continue;
                }
            } catch (ServerRejectedException e) {
                if (refusesThisDevice(e)) {
                    LOG.log(System.Logger.Level.WARNING, "live sync: {0}", e.getMessage());
                    pause(options.streamRetryInterval()); // revoked, say: the app's own calls say so too
                    continue;
                } else if (!NO_STREAM.contains(e.status()) && e.status() != 200) {
                    LOG.log(System.Logger.Level.WARNING, "live sync: {0}", e.getMessage());
                    failures++; // 429, 400...: try again after a backoff
                } else {
                    LOG.log(System.Logger.Level.INFO, "no change stream ({0}): long-polling, the stream is tried"
                            + " again in {1} s", e.getMessage(), options.streamRetryInterval().toSeconds());
                    streamAgainAt = System.nanoTime() + options.streamRetryInterval().toNanos();
                    continue;
                }
            } catch (ServerUnreachableException e) {
                failures++;
                LOG.log(System.Logger.Level.INFO, "live sync: {0}", e.getMessage());
            } catch (SyncException e) {
                failures++;
                LOG.log(System.Logger.Level.WARNING, "live sync: {0}", e.getMessage());
            }
            if (!closed) {
                mode = Mode.CONNECTING;
                pause(backoff.reconnect(failures));
            }
        }
    }

    /** Reads one stream until it ends; true when it delivered an event (so the stream itself works). */
    private boolean readStream() {
        EventStream opened = client.openStream();
        stream = opened;
        if (closed) { // close() may have missed it
            opened.close();
            return true;
        }
        boolean delivered = false;
        try {
            Optional<EventStream.Event> event;
            while ((event = opened.next()).isPresent()) {
                if (!delivered) {
                    delivered = true;
                    mode = Mode.STREAM;
                    LOG.log(System.Logger.Level.DEBUG, "change stream open");
                }
                if ("changed".equals(event.get().type())) {
                    if (event.get().id() != null) {
                        pendingEventId = event.get().id();
                    }
                    pullWanted.raise();
                } // "ready": up to date already; "message" and others: nothing to do
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.INFO, "the change stream broke: {0}", e.toString());
            }
        } finally {
            stream = null;
            opened.close();
        }
        return delivered;
    }

    /**
     * One pull with {@code wait_ms} that only watches: it moves no cursor (so it needs no lock and never holds a push
     * back); when it finds changes, the puller pulls them, and the next poll waits until that pull is done.
     */
    private void longPoll() {
        long before = pullsDone.get();
        long started = System.nanoTime();
        boolean changed = client.awaitServerChanges((int) options.longPollWait().toMillis());
        if (!changed && System.nanoTime() - started < options.longPollWait().toNanos() / 2) {
            // Answered early with nothing: the server holds its most pulls (or ignores wait_ms). Do not spin.
            pause(Duration.ofSeconds(1));
        }
        if (changed) {
            pullWanted.raise();
            synchronized (pullsDone) {
                long end = System.nanoTime() + options.longPollWait().toNanos();
                while (!closed && pullsDone.get() == before && end - System.nanoTime() > 0) {
                    try {
                        pullsDone.wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        return; // closing
                    }
                }
            }
        }
    }

    /** Closes a stream silent for longer than the idle timeout: a dead connection that no read would notice. */
    private void closeSilentStreams() {
        long check = Math.max(50, options.idleTimeout().toMillis() / 4);
        while (!closed) {
            EventStream open = stream;
            if (open != null && System.nanoTime() - open.lastTrafficNanos() > options.idleTimeout().toNanos()) {
                LOG.log(System.Logger.Level.INFO, "the change stream was silent for {0} s: reconnecting",
                        options.idleTimeout().toSeconds());
                open.close();
            }
            if (!pause(Duration.ofMillis(check))) {
                return;
            }
        }
    }

    // ---- the puller and the pusher ----

    private void pullWhenAsked() {
        while (!closed) {
            try {
                pullWanted.await(0);
            } catch (InterruptedException e) {
                return;
            }
            String eventId = pendingEventId; // read before the pull: the pull then covers every change up to it
            int failures = 0;
            while (!closed) {
                try {
                    client.livePull(eventId);
                    break;
                } catch (SyncException e) {
                    if (closed) {
                        return;
                    }
                    failures++;
                    LOG.log(e instanceof ServerUnreachableException ? System.Logger.Level.INFO
                            : System.Logger.Level.WARNING, "live pull failed, retrying: {0}", e.getMessage());
                    if (!pause(refusesThisDevice(e) ? options.streamRetryInterval() : backoff.reconnect(failures))) {
                        return;
                    }
                }
            }
            synchronized (pullsDone) {
                pullsDone.incrementAndGet();
                pullsDone.notifyAll();
            }
        }
    }

    private void pushWhenAsked() {
        int failures = 0;
        while (!closed) {
            try {
                pushWanted.await(0);
                Thread.sleep(options.pushDelay().toMillis()); // edits made together go in one push
            } catch (InterruptedException e) {
                return;
            }
            try {
                SyncReport report = client.pushChanges();
                failures = 0;
                if (report.pending() > 0 && pause(Duration.ofSeconds(1))) {
                    pushWanted.raise(); // queued by the server, not decided yet: ask again
                }
            } catch (SyncException e) {
                if (closed) {
                    return;
                }
                failures++;
                LOG.log(e instanceof ServerUnreachableException ? System.Logger.Level.INFO
                        : System.Logger.Level.WARNING, "live push failed, retrying: {0}", e.getMessage());
                if (pause(refusesThisDevice(e) ? options.streamRetryInterval() : backoff.reconnect(failures))) {
                    pushWanted.raise();
                }
            }
        }
    }

    /** 401 or 403: the device was revoked (or is unknown); retrying soon would only repeat it. */
    private static boolean refusesThisDevice(SyncException e) {
        return e instanceof ServerRejectedException rejected && (rejected.status() == 401 || rejected.status() == 403);
    }

    private void closeStream() {
        EventStream open = stream;
        if (open != null) {
            open.close();
        }
    }

    /** Sleeps; false when interrupted or closed (the caller stops). */
    private boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }
}

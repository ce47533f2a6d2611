package io.syncd.gateway.stream;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import io.syncd.common.SyncTable;

/**
 * One device's open stream, and what it has still to be told. Writes to it are one at a time: while one is under
 * way (or scheduled), further decisions only merge into what the next event says, so a slow device costs one
 * pending event, never a queue.
 */
final class ChangeStream {
    /** What the next write says: the tables of a {@code changed} event, or only a heartbeat. */
    record Pending(Set<SyncTable> tables, long changeSeq, long decidedAtMillis, boolean ping) {
        boolean changed() {
            return !tables.isEmpty();
        }
    }

    private final UUID accountId;
    private final UUID deviceId;
    /** When it was opened (System.nanoTime), to tell a stream whose upgrade never completed. */
    private final long openedAt = System.nanoTime();
    /** Its socket, once the request is upgraded; until then nothing is written to it. */
    private volatile StreamConnection connection;
    private final Set<SyncTable> tables = EnumSet.noneOf(SyncTable.class);
    private long changeSeq;
    private long decidedAtMillis;
    private boolean ping;
    /** A write is scheduled or under way; the first event counts as one until the stream is connected. */
    private boolean busy = true;

    ChangeStream(UUID accountId, UUID deviceId) {
        this.accountId = accountId;
        this.deviceId = deviceId;
    }

    void connect(StreamConnection connection) {
        this.connection = connection;
    }

    UUID accountId() {
        return accountId;
    }

    UUID deviceId() {
        return deviceId;
    }

    /** Its socket, or null while the request is not upgraded yet. */
    StreamConnection connection() {
        return connection;
    }

    long openedAt() {
        return openedAt;
    }

    /**
     * Adds decisions of these tables; true when the caller must schedule a write (none is scheduled or under way).
     *
     * @param decidedAtMillis when the decisions were committed (0 when unknown); the oldest pending one is kept,
     *        for the notify latency
     */
    synchronized boolean offer(Set<SyncTable> decided, long seq, long decidedAtMillis) {
        if (this.tables.isEmpty() || this.decidedAtMillis == 0) {
            this.decidedAtMillis = decidedAtMillis;
        }
        this.tables.addAll(decided);
        this.changeSeq = Math.max(this.changeSeq, seq);
        return claim();
    }

    /** Asks for a heartbeat; true when the caller must schedule a write. */
    synchronized boolean offerPing() {
        ping = true;
        return claim();
    }

    private boolean claim() {
        if (busy) {
            return false;
        }
        busy = true;
        return true;
    }

    /** Takes what the write about to be made says, and clears it. */
    synchronized Pending take() {
        Pending pending = new Pending(EnumSet.copyOf(tables.isEmpty() ? EnumSet.noneOf(SyncTable.class) : tables),
                changeSeq, decidedAtMillis, ping);
        tables.clear();
        decidedAtMillis = 0;
        ping = false;
        return pending;
    }

    /** After a write (or the first event): true when more came meanwhile and the caller must schedule another. */
    synchronized boolean written() {
        if (tables.isEmpty() && !ping) {
            busy = false;
            return false;
        }
        return true;
    }

    /** The change sequence the stream last told, so that an event with an unknown sequence keeps it. */
    synchronized void told(long seq) {
        changeSeq = Math.max(changeSeq, seq);
    }
}

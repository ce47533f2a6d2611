package io.syncd.store.sql;

import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The bytes of one {@code COPY … FROM STDIN}, gathered in one buffer that goes to the server each time it fills: the
 * COPY opens with the first full buffer, so PostgreSQL inserts while the rest is encoded, and no text of the whole
 * batch is built. The connection runs nothing else until {@link #finish} or {@link #close}.
 */
final class CopyStream implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;
    /**
     * The buffer of this thread's last closed COPY, for its next: a 64 KB array per COPY was a tenth of what the
     * applier allocated in the seed's syncs (two COPYs per stage of each push). Taken while a COPY is open, so a
     * second one at the same time gets its own.
     */
    private static final ThreadLocal<byte[]> SPARE_BUFFER = new ThreadLocal<>();

    private final Connection conn;
    private final String sql;
    private final byte[] buffer;
    private int used;
    private CopyIn copy;

    CopyStream(Connection conn, String sql) {
        this.conn = conn;
        this.sql = sql;
        byte[] spare = SPARE_BUFFER.get();
        SPARE_BUFFER.remove();
        this.buffer = spare != null ? spare : new byte[BUFFER_BYTES];
    }

    void put(byte b) throws SQLException {
        if (used == buffer.length) {
            flush();
        }
        buffer[used++] = b;
    }

    void putShort(int value) throws SQLException {
        put((byte) (value >>> 8));
        put((byte) value);
    }

    void putInt(int value) throws SQLException {
        putShort(value >>> 16);
        putShort(value);
    }

    void putLong(long value) throws SQLException {
        putInt((int) (value >>> 32));
        putInt((int) value);
    }

    void write(byte[] bytes) throws SQLException {
        if (used + bytes.length > buffer.length) {
            flush();
            if (bytes.length > buffer.length) {
                open().writeToCopy(bytes, 0, bytes.length);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
    }

    /** Sends what is left and ends the COPY; returns the rows copied (none: nothing was written, no COPY was run). */
    long finish() throws SQLException {
        if (used == 0 && copy == null) {
            return 0;
        }
        flush();
        return copy.endCopy();
    }

    /** Cancels a COPY that was not finished (a value failed): the connection can roll back and go on. */
    @Override
    public void close() throws SQLException {
        SPARE_BUFFER.set(buffer);
        if (copy != null && copy.isActive()) {
            copy.cancelCopy();
        }
    }

    private void flush() throws SQLException {
        CopyIn open = open();
        if (used > 0) {
            open.writeToCopy(buffer, 0, used);
            used = 0;
        }
    }

    private CopyIn open() throws SQLException {
        if (copy == null) {
            copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        }
        return copy;
    }
}

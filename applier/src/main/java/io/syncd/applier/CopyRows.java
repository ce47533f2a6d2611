package io.syncd.applier;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows for PostgreSQL's {@code COPY … FROM STDIN} in its text format: the cheapest way to insert many rows, since the
 * server reads each value with the column type's input function and no statement, array or cast is planned per batch.
 *
 * <p>Values are encoded to UTF-8 once, into one buffer that goes to the server each time it fills: the COPY opens
 * with the first full buffer, so PostgreSQL inserts while the rest is encoded, and no text of the whole batch is
 * built (as a StringBuilder, a String, then its bytes, it was three copies of every stroke, growing twice over).
 * The connection runs nothing else until {@link #finish} or {@link #close}.
 */
final class CopyRows implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final byte[] NULL = {'\\', 'N'};
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
    private boolean rowStarted;

    CopyRows(Connection conn, String table, String columns) {
        this.conn = conn;
        this.sql = "COPY " + table + " (" + columns + ") FROM STDIN";
        byte[] spare = SPARE_BUFFER.get();
        SPARE_BUFFER.remove();
        this.buffer = spare != null ? spare : new byte[BUFFER_BYTES];
    }

    /** Appends one value of the current row; null is SQL NULL. */
    CopyRows value(Object value) throws SQLException {
        if (rowStarted) {
            put((byte) '\t');
        }
        rowStarted = true;
        if (value == null) {
            return write(NULL);
        }
        String s = value.toString();
        // Values rarely hold a character COPY must escape (strokes never do): String.indexOf is vectorized, so four
        // searches cost less than one look at every character.
        if (s.indexOf('\\') >= 0 || s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            s = escaped(s);
        }
        return write(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            String escape = switch (s.charAt(i)) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (escape != null) {
                out.append(s, run, i).append(escape);
                run = i + 1;
            }
        }
        return out.append(s, run, s.length()).toString();
    }

    /** Ends the current row. */
    CopyRows endRow() throws SQLException {
        put((byte) '\n');
        rowStarted = false;
        return this;
    }

    /** Sends what is left and ends the COPY; returns the rows copied (none: no COPY was run). */
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

    private void put(byte b) throws SQLException {
        if (used == buffer.length) {
            flush();
        }
        buffer[used++] = b;
    }

    private CopyRows write(byte[] bytes) throws SQLException {
        if (used + bytes.length > buffer.length) {
            flush();
            if (bytes.length > buffer.length) {
                open().writeToCopy(bytes, 0, bytes.length);
                return this;
            }
        }
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
        return this;
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

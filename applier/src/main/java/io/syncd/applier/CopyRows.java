package io.syncd.applier;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Rows for PostgreSQL's {@code COPY … FROM STDIN} in its text format: the cheapest way to insert many rows, since the
 * server reads each value with the column type's input function and no statement, array or cast is planned per batch.
 * Values are encoded to UTF-8 once, into the {@link CopyStream}'s buffer. See {@link BinaryCopyRows} for rows whose
 * values the applier holds typed.
 */
final class CopyRows implements AutoCloseable {
    private static final byte[] NULL = {'\\', 'N'};

    private final CopyStream out;
    private boolean rowStarted;

    CopyRows(Connection conn, String table, String columns) {
        this.out = new CopyStream(conn, "COPY " + table + " (" + columns + ") FROM STDIN");
    }

    /** Appends one value of the current row; null is SQL NULL. */
    CopyRows value(Object value) throws SQLException {
        if (rowStarted) {
            out.put((byte) '\t');
        }
        rowStarted = true;
        if (value == null) {
            out.write(NULL);
            return this;
        }
        String s = value.toString();
        // Values rarely hold a character COPY must escape (strokes never do): String.indexOf is vectorized, so four
        // searches cost less than one look at every character.
        if (s.indexOf('\\') >= 0 || s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            s = escaped(s);
        }
        out.write(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    private static String escaped(String s) {
        StringBuilder escaped = new StringBuilder(s.length() + 16);
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
                escaped.append(s, run, i).append(escape);
                run = i + 1;
            }
        }
        return escaped.append(s, run, s.length()).toString();
    }

    /** Ends the current row. */
    CopyRows endRow() throws SQLException {
        out.put((byte) '\n');
        rowStarted = false;
        return this;
    }

    /** Sends what is left and ends the COPY; returns the rows copied (none: no COPY was run). */
    long finish() throws SQLException {
        return out.finish();
    }

    /** Cancels a COPY that was not finished (a value failed): the connection can roll back and go on. */
    @Override
    public void close() throws SQLException {
        out.close();
    }
}

package io.syncd.applier;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.PGConnection;

/**
 * Rows for PostgreSQL's {@code COPY … FROM STDIN} in its text format: the cheapest way to insert many rows, since the
 * server reads each value with the column type's input function and no statement, array or cast is planned per batch.
 */
final class CopyRows {
    private final StringBuilder text = new StringBuilder(16 * 1024);
    private boolean rowStarted;
    private int rows;

    /** Appends one value of the current row; null is SQL NULL. */
    CopyRows value(Object value) {
        if (rowStarted) {
            text.append('\t');
        }
        rowStarted = true;
        if (value == null) {
            text.append("\\N");
            return this;
        }
        String s = value.toString();
        // Values rarely hold a character COPY must escape (strokes never do): String.indexOf is vectorized, so four
        // searches cost less than one look at every character; otherwise the runs between escapes are copied whole.
        if (s.indexOf('\\') < 0 && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            text.append(s);
            return this;
        }
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            String escaped = escape(s.charAt(i));
            if (escaped != null) {
                text.append(s, run, i).append(escaped);
                run = i + 1;
            }
        }
        text.append(s, run, s.length());
        return this;
    }

    private static String escape(char c) {
        return switch (c) {
            case '\\' -> "\\\\";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> null;
        };
    }

    /** Ends the current row. */
    CopyRows endRow() {
        text.append('\n');
        rowStarted = false;
        rows++;
        return this;
    }

    int rows() {
        return rows;
    }

    /** Sends the rows with {@code COPY table (columns) FROM STDIN}; returns the rows copied. */
    long copyInto(Connection conn, String table, String columns) throws SQLException {
        if (rows == 0) {
            return 0;
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            return conn.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table + " (" + columns + ") FROM STDIN", new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed to read its own rows", e);
        }
    }
}

package io.syncd.store.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Binds a column of values as one PostgreSQL array parameter. A batch's reads and rewrites of existing rows
 * go as one statement over {@code unnest(…)}: one round trip per table (pgjdbc's rewritten batches send row by row;
 * see FACTS.md). New rows go with COPY ({@link BinaryCopyRows}).
 */
public final class SqlArrays {
    private SqlArrays() {
    }

    public static void bindText(Connection conn, PreparedStatement ps, int index, List<String> values) throws SQLException {
        Array array = conn.createArrayOf("text", values.toArray());
        ps.setArray(index, array);
    }

    /** Binds ids as one {@code uuid[]} parameter: no text for the driver to quote nor for PostgreSQL to cast back. */
    public static void bindUuids(Connection conn, PreparedStatement ps, int index, List<UUID> values) throws SQLException {
        Array array = conn.createArrayOf("uuid", values.toArray());
        ps.setArray(index, array);
    }
}

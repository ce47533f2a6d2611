package io.syncd.applier;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Binds a column of values as one PostgreSQL {@code text[]} parameter. Batches are written with
 * {@code INSERT … SELECT … FROM unnest(…)}: one round trip per table, and it reports exactly which rows it wrote
 * (pgjdbc's rewritten batches do neither; see FACTS.md).
 */
final class SqlArrays {
    private SqlArrays() {
    }

    static void bindText(Connection conn, PreparedStatement ps, int index, List<String> values) throws SQLException {
        Array array = conn.createArrayOf("text", values.toArray());
        ps.setArray(index, array);
    }
}

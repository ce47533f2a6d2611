package io.syncd.applier;

import java.sql.SQLException;

/**
 * Tells PostgreSQL's refusals of the data from failures of the database itself, by SQLState class: a refusal is the
 * same on every retry, so retrying it would stop a partition for good; anything else (a connection lost, a server
 * shutting down, out of resources, a deadlock) passes and is retried.
 */
final class SqlStates {
    private SqlStates() {
    }

    /** Class 22 (data exception: a value out of range, U+0000 in text) or 23 (integrity constraint violation). */
    static boolean refusesData(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }
}

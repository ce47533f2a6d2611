package io.syncd.client.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.syncd.client.SyncException;

/**
 * The store's one SQLite connection. Every use holds one lock, so threads of the app take turns and a transaction is
 * never interleaved; statements are prepared once and reused (a pull applies thousands of rows per page).
 */
public final class Database implements AutoCloseable {
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private Database(Connection connection) {
        this.connection = connection;
    }

    /** Opens (or creates) the store file and brings its schema up to date. */
    public static Database open(Path file) {
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement pragma = connection.createStatement()) {
                pragma.execute("PRAGMA journal_mode=WAL");
                // FULL: a commit is on disk before it returns, so a change id persisted before a send survives a crash.
                pragma.execute("PRAGMA synchronous=FULL");
                // Another process (a second CLI call) on the same file waits instead of failing at once.
                pragma.execute("PRAGMA busy_timeout=10000");
            }
            Database database = new Database(connection);
            database.inTransaction(() -> {
                Schema.apply(connection);
                return null;
            });
            return database;
        } catch (SQLException e) {
            throw new SyncException("cannot open the local store " + file + ": " + e.getMessage(), e);
        }
    }

    /** Work against the connection; the caller holds the lock, inside {@link #inTransaction}. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs the work in one transaction: all of it is committed, or none. Nested calls join the outer one. */
    public <T> T inTransaction(Work<T> work) {
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                return work.run();
            }
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new SyncException("local store: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** A prepared statement for this SQL, reused; only valid while the caller holds the lock. */
    PreparedStatement statement(String sql) throws SQLException {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the store is used outside a transaction");
        }
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        statement.clearParameters();
        return statement;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (PreparedStatement statement : statements.values()) {
                statement.close();
            }
            statements.clear();
            connection.close();
        } catch (SQLException e) {
            throw new SyncException("closing the local store: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}

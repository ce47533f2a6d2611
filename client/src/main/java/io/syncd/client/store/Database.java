package io.syncd.client.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.sqlite.SQLiteConfig;

import io.syncd.client.NotAStoreException;
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

    /**
     * Opens the store file and brings its schema up to date. With {@code create}, a missing or empty file becomes a
     * new store; without, it is refused. A file that is not a store is always refused and left as it was: it is
     * looked at through a read-only connection first.
     */
    public static Database open(Path file, boolean create) {
        if (Files.exists(file)) {
            StoreFile found = inspectReadOnly(file);
            if (found.kind() == StoreFile.Kind.EMPTY && !create) {
                throw NotAStoreException.foreign(file, "it is empty");
            }
        } else if (!create) {
            throw NotAStoreException.missing(file);
        }
        Connection connection = null;
        try {
            connection = DriverManager.getConnection(url(file));
            try (Statement pragma = connection.createStatement()) {
                pragma.execute("PRAGMA journal_mode=WAL");
                // FULL: a commit is on disk before it returns, so a change id persisted before a send survives a crash.
                pragma.execute("PRAGMA synchronous=FULL");
                // Another process (a second CLI call) on the same file waits instead of failing at once.
                pragma.execute("PRAGMA busy_timeout=10000");
            }
            Database database = new Database(connection);
            Connection schema = connection;
            database.inTransaction(() -> {
                Schema.apply(schema, file);
                return null;
            });
            return database;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection, e);
            if (e instanceof SQLException) {
                throw new SyncException("cannot open the local store " + file + ": " + e.getMessage(), e);
            }
            throw (RuntimeException) e;
        }
    }

    private static StoreFile inspectReadOnly(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection connection = config.createConnection(url(file))) {
            return StoreFile.inspect(connection, file);
        } catch (SQLException e) {
            throw new SyncException("cannot open the local store " + file + ": " + e.getMessage(), e);
        }
    }

    private static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    private static void closeQuietly(Connection connection, Exception failure) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
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

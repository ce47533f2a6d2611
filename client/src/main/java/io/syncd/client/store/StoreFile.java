package io.syncd.client.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.syncd.client.NotAStoreException;
import io.syncd.client.SyncException;

/**
 * What an SQLite file is to the SDK, read from its header and catalogue only (nothing is written): empty, a store
 * (marked with {@link Schema#APPLICATION_ID}, or of an older SDK that did not mark it), or something else, which
 * {@link #inspect} refuses.
 */
record StoreFile(Kind kind, int version) {
    enum Kind {
        /** No schema objects and no marks: a new file, or one SQLite created empty. */
        EMPTY,
        /** A store of an SDK from before the mark: all of the version 1 tables, {@code user_version} 1, no mark. */
        UNMARKED_STORE,
        /** A syncd store, marked, at {@link #version()}. */
        STORE
    }

    /**
     * Classifies the file behind the connection; throws {@link NotAStoreException} for another application's file
     * and {@link SyncException} for a store of a newer SDK.
     */
    static StoreFile inspect(Connection connection, Path file) throws SQLException {
        int applicationId;
        int version;
        List<String> tables = new ArrayList<>();
        int objects = 0;
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("PRAGMA application_id")) {
                applicationId = rs.getInt(1);
            }
            try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
                version = rs.getInt(1);
            }
            try (ResultSet rs = statement.executeQuery("SELECT type, name FROM sqlite_master ORDER BY name")) {
                while (rs.next()) {
                    objects++;
                    if ("table".equals(rs.getString(1))) {
                        tables.add(rs.getString(2));
                    }
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == SQLITE_NOTADB) {
                throw NotAStoreException.foreign(file, "it is not an SQLite database");
            }
            throw e;
        }
        if (applicationId == Schema.APPLICATION_ID) {
            if (version > Schema.VERSION) {
                throw new SyncException("the store " + file + " has schema version " + version
                        + ", newer than this SDK's (" + Schema.VERSION + "): use a newer SDK");
            }
            if (version < 1) {
                throw NotAStoreException.foreign(file, "it is marked as a syncd store but has no schema version");
            }
            return new StoreFile(Kind.STORE, version);
        }
        if (applicationId != 0) {
            throw NotAStoreException.foreign(file, "it belongs to another application (SQLite application_id "
                    + applicationId + ")");
        }
        if (objects == 0 && version == 0) {
            return new StoreFile(Kind.EMPTY, 0);
        }
        if (version == 1 && tables.containsAll(Schema.VERSION_1_TABLES)) {
            return new StoreFile(Kind.UNMARKED_STORE, 1);
        }
        throw NotAStoreException.foreign(file, tables.isEmpty()
                ? "it is an SQLite database with user_version " + version
                : "it is an SQLite database with other tables (" + String.join(", ", tables.subList(0,
                Math.min(tables.size(), 5))) + (tables.size() > 5 ? ", …" : "") + ")");
    }

    /** SQLite's result code for a file that is not a database (or is encrypted). */
    private static final int SQLITE_NOTADB = 26;
}

package io.syncd.client.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.syncd.common.Field;
import io.syncd.common.FieldType;
import io.syncd.common.SyncTable;

/**
 * The local schema: the four synced tables (their protocol fields as columns, derived from {@link SyncTable}, plus
 * the local {@code version}, {@code is_dirty} and {@code is_deleted}), and the sync bookkeeping tables. Versioned
 * with {@code PRAGMA user_version}, so a later release can migrate a store in place, and marked with
 * {@code PRAGMA application_id}, so the SDK never takes another application's SQLite file for one of its stores.
 */
final class Schema {
    static final int VERSION = 5;
    /** {@code PRAGMA application_id} of a syncd store: "SYND" in ASCII. */
    static final int APPLICATION_ID = 0x53594E44;
    /** The tables version 1 created; a file with all of them and {@code user_version} 1 is a store of an older SDK. */
    static final Set<String> VERSION_1_TABLES = Set.of("books", "events", "notes", "schedule_drawings", "device_info",
            "sync_metadata", "outbox", "conflicts", "held_records");
    /** Columns every synced table has besides its fields; a field with one of these names would be a bug. */
    static final Set<String> LOCAL_COLUMNS =
            Set.of("record_id", "version", "is_dirty", "is_deleted", "updated_at", "device_id");

    private static final String BOOKKEEPING = """
            CREATE TABLE device_info (
              id            INTEGER PRIMARY KEY CHECK (id = 1),
              server        TEXT NOT NULL,
              device_id     TEXT NOT NULL,
              account_id    TEXT NOT NULL,
              device_token  TEXT NOT NULL,  -- the bearer token; the server shows it only once
              device_name   TEXT NOT NULL,
              platform      TEXT,
              registered_at TEXT NOT NULL
            );
            CREATE TABLE sync_metadata (
              id           INTEGER PRIMARY KEY CHECK (id = 1),
              cursor       TEXT,            -- one pull chain over all four tables; null: from the beginning
              last_sync_at TEXT             -- when a pull last reached has_more = false
            );
            INSERT INTO sync_metadata (id) VALUES (1);
            CREATE TABLE outbox (
              seq          INTEGER PRIMARY KEY AUTOINCREMENT,  -- send order
              change_id    TEXT NOT NULL UNIQUE,
              table_name   TEXT NOT NULL,
              record_id    TEXT NOT NULL,
              op           TEXT NOT NULL,   -- upsert | delete | use_server
              resolution   TEXT,            -- null: a push; use_server | use_local | merge: a resolve-conflict request
              base_version INTEGER,         -- null while the change before it (same record) is undecided
              data         TEXT,            -- normalized JSON of an upsert
              sent_at      TEXT,            -- committed before the first send; a sent change never changes again
              attempts     INTEGER NOT NULL DEFAULT 0,
              created_at   TEXT NOT NULL
            );
            CREATE INDEX outbox_record ON outbox (table_name, record_id, seq);
            CREATE TABLE conflicts (
              change_id           TEXT PRIMARY KEY,  -- the change the server decided as conflict or rejected
              table_name          TEXT NOT NULL,
              record_id           TEXT NOT NULL,
              status              TEXT NOT NULL,     -- conflict | rejected
              server_record       TEXT,              -- the server's envelope (conflict); null if it has none
              server_version      INTEGER NOT NULL,  -- the base version of a resolution
              error_code          TEXT,
              error_message       TEXT,
              resolving_change_id TEXT,              -- the outbox change resolving it, once the app chose
              detected_at         TEXT NOT NULL,
              UNIQUE (table_name, record_id)
            );
            CREATE TABLE held_records (
              table_name TEXT NOT NULL,
              record_id  TEXT NOT NULL,
              version    INTEGER NOT NULL,
              record     TEXT NOT NULL,     -- a pulled envelope kept aside because a local edit of it is undecided
              PRIMARY KEY (table_name, record_id)
            );
            """;
    /**
     * Version 2: the rows that were clean when the server answered {@code cursor_reset}, until the pull from the
     * start returns them; whatever it does not return, the server lost (see {@code Resync}).
     */
    private static final String RESYNC = """
            CREATE TABLE resync_unconfirmed (
              table_name TEXT NOT NULL,
              record_id  TEXT NOT NULL,
              PRIMARY KEY (table_name, record_id)
            )""";

    /**
     * Version 3: the id of the last change-stream event whose pull completed, sent back as {@code Last-Event-ID} when
     * the stream reconnects (also after the app restarts); null: none yet.
     */
    private static final String LAST_EVENT_ID = "ALTER TABLE sync_metadata ADD COLUMN last_event_id TEXT";

    /**
     * Version 4: selective sync. {@code books_chosen} 0 syncs every book (the default, books created later included);
     * 1 syncs only the books listed in {@code book_selection}, which may be none.
     */
    private static final String BOOK_SELECTION = """
            CREATE TABLE book_selection (
              book_id TEXT PRIMARY KEY
            )""";
    private static final String BOOKS_CHOSEN =
            "ALTER TABLE sync_metadata ADD COLUMN books_chosen INTEGER NOT NULL DEFAULT 0";

    private Schema() {
    }

    /**
     * Creates the schema in an empty file or brings a store's up to date, in the caller's transaction: the mark, the
     * tables and the version commit together, so a file is either a whole store or untouched.
     */
    static void apply(Connection connection, Path file) throws SQLException {
        StoreFile found = StoreFile.inspect(connection, file);
        if (found.kind() == StoreFile.Kind.STORE && found.version() == VERSION) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            int version = found.version();
            boolean created = found.kind() == StoreFile.Kind.EMPTY;
            if (created) {
                for (String ddl : statements()) {
                    statement.execute(ddl);
                }
                version = 1;
            }
            if (version < 2) {
                statement.execute(RESYNC);
            }
            if (version < 3) {
                statement.execute(LAST_EVENT_ID);
            }
            if (version < 4) {
                statement.execute(BOOK_SELECTION);
                statement.execute(BOOKS_CHOSEN);
            }
            if (version < 5 && !created) {
                // A new store's record tables have strokes_ink from SyncTable already.
                InkUpgrade.apply(connection);
            }
            // A store of an SDK before the mark keeps every row, its outbox included: it is marked, not refused.
            statement.execute("PRAGMA application_id = " + APPLICATION_ID);
            statement.execute("PRAGMA user_version = " + VERSION);
        }
    }

    private static List<String> statements() {
        List<String> ddl = new ArrayList<>();
        for (SyncTable table : SyncTable.values()) {
            ddl.addAll(recordTable(table));
        }
        for (String statement : BOOKKEEPING.split(";\\s*\\n")) {
            if (!statement.isBlank()) {
                ddl.add(statement);
            }
        }
        return ddl;
    }

    private static List<String> recordTable(SyncTable table) {
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(table.wireName()).append(" (\n")
                .append("  record_id TEXT PRIMARY KEY,\n");
        for (Field field : table.fields()) {
            if (LOCAL_COLUMNS.contains(field.name())) {
                throw new IllegalStateException(table.wireName() + "." + field.name() + " clashes with a local column");
            }
            sql.append("  ").append(field.name()).append(' ').append(columnType(field.type())).append(",\n");
        }
        // version: the server version the local data is based on (0: never on the server).
        sql.append("""
                  version    INTEGER NOT NULL DEFAULT 0,
                  is_dirty   INTEGER NOT NULL DEFAULT 0,
                  is_deleted INTEGER NOT NULL DEFAULT 0,
                  updated_at TEXT,
                  device_id  TEXT
                )""");
        List<String> ddl = new ArrayList<>(List.of(sql.toString(),
                "CREATE INDEX " + table.wireName() + "_dirty ON " + table.wireName() + " (is_dirty) WHERE is_dirty = 1"));
        if (table.parentField() != null) {
            ddl.add("CREATE INDEX " + table.wireName() + "_" + table.parentField() + " ON " + table.wireName()
                    + " (" + table.parentField() + ")");
        }
        return ddl;
    }

    static String columnType(FieldType type) {
        return switch (type) {
            case BOOL, INT -> "INTEGER";
            case TEXT, UUID, TIMESTAMP, DATE -> "TEXT";
            case INK -> "BLOB"; // the ink bytes: a third of the base64 text, a fifth to a seventh of the JSON
        };
    }
}

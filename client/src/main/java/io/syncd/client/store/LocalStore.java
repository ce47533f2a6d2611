package io.syncd.client.store;

import java.nio.file.Path;

/** One store file: its SQLite connection and the SQL home of each of its tables. */
public final class LocalStore implements AutoCloseable {
    private final Database db;
    private final RecordsTable records;
    private final OutboxTable outbox;
    private final ConflictsTable conflicts;
    private final HeldRecordsTable held;
    private final DeviceInfoTable deviceInfo;
    private final SyncMetadataTable metadata;
    private final ResyncTable resync;
    private final BookSelectionTable bookSelection;
    private final BookRecordsTable bookRecords;

    private LocalStore(Database db) {
        this.db = db;
        this.records = new RecordsTable(db);
        this.outbox = new OutboxTable(db);
        this.conflicts = new ConflictsTable(db);
        this.held = new HeldRecordsTable(db);
        this.deviceInfo = new DeviceInfoTable(db);
        this.metadata = new SyncMetadataTable(db);
        this.resync = new ResyncTable(db);
        this.bookSelection = new BookSelectionTable(db);
        this.bookRecords = new BookRecordsTable(db);
    }

    /** Opens the store, creating it if the file is missing or empty. */
    public static LocalStore open(Path file) {
        return new LocalStore(Database.open(file, true));
    }

    /** Opens an existing store; a missing or empty file is refused ({@link io.syncd.client.NotAStoreException}). */
    public static LocalStore openExisting(Path file) {
        return new LocalStore(Database.open(file, false));
    }

    /** Runs the work in one SQLite transaction, holding the store's lock. */
    public <T> T inTransaction(Database.Work<T> work) {
        return db.inTransaction(work);
    }

    public RecordsTable records() {
        return records;
    }

    public OutboxTable outbox() {
        return outbox;
    }

    public ConflictsTable conflicts() {
        return conflicts;
    }

    public HeldRecordsTable held() {
        return held;
    }

    public DeviceInfoTable deviceInfo() {
        return deviceInfo;
    }

    public SyncMetadataTable metadata() {
        return metadata;
    }

    public ResyncTable resync() {
        return resync;
    }

    public BookSelectionTable bookSelection() {
        return bookSelection;
    }

    public BookRecordsTable bookRecords() {
        return bookRecords;
    }

    @Override
    public void close() {
        db.close();
    }
}

package io.syncd.client;

import java.nio.file.Path;

/** The file is not a syncd store, or is missing where only an existing store may be opened; it was left untouched. */
public class NotAStoreException extends SyncException {
    private final Path file;
    private final boolean missing;

    private NotAStoreException(Path file, boolean missing, String message) {
        super(message);
        this.file = file;
        this.missing = missing;
    }

    /** An existing file that is not a store; {@code why} says what it is instead. */
    public static NotAStoreException foreign(Path file, String why) {
        return new NotAStoreException(file, false, file + " is not a syncd store: " + why
                + "; the file was left as it was");
    }

    /** No file at all where an existing store was asked for. */
    public static NotAStoreException missing(Path file) {
        return new NotAStoreException(file, true, "there is no syncd store at " + file + " (no such file; none was"
                + " created)");
    }

    public Path file() {
        return file;
    }

    /** No file at all: {@link SyncClient#openExisting} creates none. */
    public boolean missing() {
        return missing;
    }
}

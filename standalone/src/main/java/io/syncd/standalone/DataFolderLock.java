package io.syncd.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.syncd.standalone.embedded.OwnerOnly;

/**
 * The one process that owns a data folder: an exclusive lock on {@code <data-dir>/lock}, which names the holder's
 * pid, held until {@link #close()} or the process's end (the operating system releases it also after {@code kill -9}).
 * Two servers on one folder would run two brokers on one Kafka log, and the second corrupts the first's.
 */
final class DataFolderLock implements AutoCloseable {
    static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock at once, or fails naming the process that holds it. */
    static DataFolderLock take(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        OwnerOnly.file(file);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + file, e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dataDir, "process " + holder(file));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new DataFolderLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            close(channel, e);
            throw inUse(dataDir, "this process (pid " + ProcessHandle.current().pid() + ")");
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("Cannot lock " + file, e);
            close(channel, failure);
            throw failure;
        } catch (RuntimeException e) {
            close(channel, e);
            throw e;
        }
    }

    private static IllegalStateException inUse(Path dataDir, String holder) {
        return new IllegalStateException("The data folder " + dataDir + " is in use by " + holder
                + ": one server per sync.data-dir. Stop that one, or give this one a sync.data-dir of its own.");
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
            return pid.isEmpty() ? "(pid not written yet)" : pid;
        } catch (IOException e) {
            return "(pid unreadable: " + e.getMessage() + ")";
        }
    }

    private static void close(FileChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        try {
            // The pid stays in the file: it is the lock, not the file, that says whether the folder is held.
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot release the lock of the data folder", e);
        }
    }
}

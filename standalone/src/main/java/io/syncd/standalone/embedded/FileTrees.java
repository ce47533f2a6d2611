package io.syncd.standalone.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting a folder with everything in it: a run's data folder is gigabytes, so nothing may leave one behind. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code dir} and everything under it; a missing folder is already deleted. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir + "; remove it by hand", e);
        }
    }
}

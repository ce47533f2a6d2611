package io.syncd.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Every file of a folder as it is (name, size, SHA-256, modification time): equal snapshots mean nothing was touched. */
public final class FolderSnapshot {
    private FolderSnapshot() {
    }

    public static List<String> of(Path folder) {
        List<String> state = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                state.add(file.getFileName() + " " + bytes.length + " bytes, sha-256 "
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + ", modified "
                        + Files.getLastModifiedTime(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return state;
    }
}

package io.syncd.standalone.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Folders and secret files of the data folder that only their owner may read: any local account could otherwise read
 * the records in Kafka's segments, or the secrets that let it connect to the embedded servers.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnerOnly() {
    }

    /**
     * Creates {@code dir} (and its parents) if missing, and takes every permission from group and others; returns
     * whether an existing folder had some.
     */
    public static boolean folder(Path dir) {
        try {
            boolean existed = Files.isDirectory(dir);
            Files.createDirectories(dir);
            return restrict(dir, FOLDER) && existed;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make " + dir + " a folder only its owner may use", e);
        }
    }

    /**
     * The secret kept in {@code file}: read, or generated (32 random bytes, URL-safe base64) and written first if the
     * file is missing or empty. The file is readable and writable by its owner only.
     */
    public static String secret(Path file) {
        try {
            if (Files.exists(file)) {
                restrict(file, FILE);
                String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!secret.isEmpty()) {
                    return secret;
                }
                Files.delete(file);
            }
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            create(file);
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep a secret in " + file, e);
        }
    }

    /** Writes {@code text} to {@code file}, created owner-only (an existing file loses its other permissions first). */
    public static void write(Path file, String text) {
        file(file);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Creates {@code file} empty if missing; either way, only its owner may read or write it. */
    public static void file(Path file) {
        try {
            if (Files.exists(file)) {
                restrict(file, FILE);
            } else {
                create(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make " + file + " a file only its owner may read", e);
        }
    }

    /** Whether group and others have no permission on {@code path}; true where permissions are not POSIX. */
    public static boolean isOwnerOnly(Path path) {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return true;
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            return permissions.stream().allMatch(p -> p.name().startsWith("OWNER_"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the permissions of " + path, e);
        }
    }

    /** Created with the permissions in place, so that the secret is never readable by others, not even for a moment. */
    private static void create(Path file) throws IOException {
        if (Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) == null) {
            Files.createFile(file);
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } catch (FileAlreadyExistsException e) {
            restrict(file, FILE);
        }
    }

    private static boolean restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null || view.readAttributes().permissions().equals(permissions)) {
            return false;
        }
        view.setPermissions(permissions);
        return true;
    }
}

package io.syncd.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The generated admin token, kept in the data folder readable by its owner only; its path is logged, never it. */
final class AdminTokenFile {
    private static final Logger log = LoggerFactory.getLogger(AdminTokenFile.class);

    private AdminTokenFile() {
    }

    static String loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                String token = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!token.isEmpty()) {
                    log.info("Admin token: read from {}", file);
                    return token;
                }
            }
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            log.info("Admin token: generated and kept in {} (owner-only); set sync.admin-token to choose one", file);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the admin token in " + file + "; set sync.admin-token", e);
        }
    }
}

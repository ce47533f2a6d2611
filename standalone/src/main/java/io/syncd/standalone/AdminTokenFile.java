package io.syncd.standalone;

import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncd.standalone.embedded.OwnerOnly;

/** The generated admin token, kept in the data folder readable by its owner only; its path is logged, never it. */
final class AdminTokenFile {
    private static final Logger log = LoggerFactory.getLogger(AdminTokenFile.class);

    private AdminTokenFile() {
    }

    static String loadOrCreate(Path file) {
        boolean existed = Files.exists(file);
        String token = OwnerOnly.secret(file);
        if (existed) {
            log.info("Admin token: read from {}", file);
        } else {
            log.info("Admin token: generated and kept in {} (owner-only); set sync.admin-token to choose one", file);
        }
        return token;
    }
}

package io.syncd.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;


/**
 * SDK instances for a test, each on its own SQLite file and registered as a device of one new account; closed
 * together after the test.
 */
final class Devices implements AutoCloseable {
    /** Fast retries: tests that take the server away should not wait long for the SDK to give up. */
    static final RetryPolicy QUICK_RETRIES =
            new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5));

    private final Path dir;
    private final URI server;
    private final Account account;
    private final SyncOptions options;
    private final List<SyncClient> open = new ArrayList<>();

    Devices(URI server) {
        this(server, SyncOptions.defaults());
    }

    /** With options of the test's own (e.g. the TLS of an https server) for the account and every device. */
    Devices(URI server, SyncOptions options) {
        this.server = server;
        this.options = options;
        try {
            this.dir = Files.createTempDirectory("syncd-devices-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.account = SyncClient.createAccount(server, "Test account " + dir.getFileName(), null, options);
    }

    Account account() {
        return account;
    }

    /** A new device of the account, through {@code via} (the server, or a proxy in front of it). */
    SyncClient device(String name, URI via, SyncOptions options) {
        SyncClient client = open(name, options);
        client.register(via, account.enrollmentKey(), name, "test");
        return client;
    }

    SyncClient device(String name) {
        return device(name, server, options.withRetries(QUICK_RETRIES));
    }

    /** Opens (or reopens) the device's store file without registering it. */
    SyncClient open(String name, SyncOptions options) {
        SyncClient client = SyncClient.open(file(name), options);
        open.add(client);
        return client;
    }

    Path file(String name) {
        return dir.resolve(name + ".db");
    }

    @Override
    public void close() {
        for (SyncClient client : open) {
            try {
                client.close();
            } catch (RuntimeException alreadyClosed) {
                // closed by the test itself
            }
        }
        org.assertj.core.util.Files.delete(dir.toFile());
    }
}

package io.syncd.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.standalone.embedded.FileTrees;

/**
 * The one server every integration test of this JVM shares: real embedded Kafka and PostgreSQL, all roles, a random
 * port. Started on first use, stopped (and its data folder deleted) when the JVM exits. Tests stay independent by creating their own accounts.
 */
public final class TestServer {
    public static final String ADMIN_TOKEN = "test-admin-token";
    private static SyncServer server;
    private static Api api;

    private TestServer() {
    }

    public static synchronized Api api() {
        if (server == null) {
            Path dataDir;
            try {
                dataDir = Files.createTempDirectory("syncd-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir,
                    "--sync.admin-token=" + ADMIN_TOKEN, "--sync.gateway.decision-wait=10s", "--sync.applier.consumers=2",
                    // A refused batch is retried within half a second, so that tests of retries see several soon.
                    "--sync.applier.max-retry-backoff=500ms",
                    // Every test makes its own accounts from this one address: far more than a person signs up.
                    "--sync.gateway.address-rate-limit.requests-per-second=1000",
                    "--sync.gateway.address-rate-limit.burst=1000",
                    "--logging.level.io.syncd.gateway.requests=WARN",
                    // Change streams beat often, so that a test sees heartbeats, and left streams go, in seconds.
                    "--sync.stream.heartbeat=500ms",
                    // Decisions close together merge into one event often, so that tests of merging see it happen.
                    "--sync.stream.merge-window=200ms");
            int port = ((WebServerApplicationContext) server.context()).getWebServer().getPort();
            api = new Api("http://127.0.0.1:" + port);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                FileTrees.delete(dataDir);
            }));
        }
        return api;
    }

    public static synchronized SyncServer server() {
        api();
        return server;
    }
}

package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * An import waits for the applier only while it makes progress ({@code sync.projector.applier-wait}): with no applier
 * running, the import is answered 503 once that long passed, and its changes stay queued.
 */
class ImportWithoutApplierTest {

    @Test
    void anImportNoApplierDecidesIsAnsweredUnavailableOnceTheApplierWaitPassed(@TempDir Path dataDir) {
        try (SyncServer server = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir,
                "--sync.admin-token=t", "--sync.roles=gateway,projector", "--sync.projector.applier-wait=2s",
                "--sync.embedded.postgres-shared-buffers-mb=64")) {
            Api api = new Api("http://127.0.0.1:"
                    + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
            Api.Device target = api.newDevice();
            String line = "{\"table\":\"books\",\"record_id\":\"" + UUID.randomUUID() + "\",\"version\":3,"
                    + "\"is_deleted\":false,\"data\":{\"name\":\"queued\"},\"updated_at\":\"2026-11-24T10:00:00Z\","
                    + "\"device_id\":\"" + UUID.randomUUID() + "\"}";
            long started = System.nanoTime();

            Api.Response answer = api.send(api.request("/api/admin/accounts/" + target.accountId() + "/import", "t")
                    .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(line))
                    .build());

            assertThat(answer.status()).as(answer.text()).isEqualTo(503);
            assertThat(answer.text()).contains("the applier decided 0 of the import's 1 changes")
                    .contains("no progress for 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2))
                    .isLessThan(Duration.ofSeconds(30));
        }
    }
}

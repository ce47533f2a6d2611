package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sync.admin-token} set but blank (an empty secret file or variable) is refused by every role, not only by the
 * ones with an admin API: an applier's {@code /metrics} would otherwise refuse every scraper with no word why.
 */
class BlankAdminTokenTest {

    @Test
    void anApplierOnlyServerWithABlankAdminTokenDoesNotStartAndNamesTheSetting(@TempDir Path dataDir) {
        assertThatThrownBy(() -> SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir,
                "--sync.roles=applier", "--sync.admin-token= ", "--sync.embedded.postgres-shared-buffers-mb=64"))
                .rootCause().hasMessageContaining("sync.admin-token is set but blank");
    }
}

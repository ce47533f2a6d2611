package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.standalone.embedded.EmbeddedDatabase;
import io.syncd.standalone.embedded.EmbeddedKafka;

/**
 * The data folder belongs to one server and its owner: a second server is refused before it starts anything, and no
 * other local account can read the data, the secrets, or the file other processes join the embedded servers with.
 */
class DataFolderTest {

    @Test
    void aServerHoldsItsDataFolderAloneAndReadableByItsOwnerOnly(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

        try (SyncServer server = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir)) {
            for (String folder : new String[] {"", "kafka", "postgres"}) {
                assertThat(Files.getPosixFilePermissions(dataDir.resolve(folder))).as("folder " + dataDir.resolve(folder))
                        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            }
            for (String file : new String[] {"admin-token", "postgres.password", "kafka.password", "join.properties", "lock",
                    "postgres.log"}) {
                assertThat(Files.getPosixFilePermissions(dataDir.resolve(file))).as(file)
                        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            }
            Properties join = new Properties();
            try (var in = Files.newBufferedReader(dataDir.resolve("join.properties"))) {
                join.load(in);
            }
            EmbeddedDatabase database = server.infrastructure().database();
            EmbeddedKafka kafka = server.infrastructure().kafka();
            assertThat(join).containsEntry("spring.datasource.url", database.jdbcUrl())
                    .containsEntry("spring.datasource.password", database.password())
                    .containsEntry("spring.kafka.bootstrap-servers", kafka.bootstrapServers())
                    .containsEntry("spring.kafka.security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("spring.kafka.properties.sasl.jaas.config", kafka.clientProperties().get("sasl.jaas.config"));
            assertThat(Files.readString(dataDir.resolve("lock")).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));

            assertThatThrownBy(() -> SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("The data folder " + dataDir + " is in use by this process (pid "
                            + ProcessHandle.current().pid() + ")");
            assertThat(database.isRunning()).as("the first server's PostgreSQL").isTrue();
        }
        try (SyncServer again = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir)) {
            assertThat(again.infrastructure().database().isRunning()).as("the folder is free once its server stopped").isTrue();
        }
    }
}

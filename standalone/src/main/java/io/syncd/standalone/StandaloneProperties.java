package io.syncd.standalone;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.syncd.standalone.embedded.EmbeddedDatabase;

/**
 * Configuration of the process ({@code sync.*}): which roles it runs, where embedded data lives, the topics.
 *
 * @param roles the roles this process runs: {@code gateway}, {@code applier}, {@code projector}
 * @param dataDir folder of the embedded Kafka and PostgreSQL data and the generated admin token
 * @param embedded the embedded Kafka and PostgreSQL: their ports (0 = reuse the last ones, else free ports), PostgreSQL's
 *        cache
 * @param topics how the change topics are created when missing
 */
@ConfigurationProperties("sync")
public record StandaloneProperties(
        @DefaultValue({"gateway", "applier", "projector"}) List<String> roles,
        @DefaultValue("./sync-data") Path dataDir,
        @DefaultValue Embedded embedded,
        @DefaultValue Topics topics) {

    /**
     * The embedded servers; used only when no external address is configured.
     *
     * @param kafkaPort port of the embedded Kafka (0: the last one used, else a free one)
     * @param postgresPort port of the embedded PostgreSQL (0: the last one used, else a free one)
     * @param postgresSharedBuffersMb the embedded PostgreSQL's page cache ({@code shared_buffers}) in MB
     */
    public record Embedded(@DefaultValue("0") int kafkaPort, @DefaultValue("0") int postgresPort,
                           @DefaultValue("" + EmbeddedDatabase.DEFAULT_SHARED_BUFFERS_MB) int postgresSharedBuffersMb) {
    }

    /**
     * @param partitions partitions of each change topic (an account's changes stay in one)
     * @param replicationFactor replicas of each change topic (3 in production, 1 embedded)
     * @param minInsyncReplicas acknowledgements {@code acks=all} waits for
     * @param retentionMs how long change events are kept (-1: forever, so topics can be replayed)
     */
    public record Topics(@DefaultValue("8") int partitions, @DefaultValue("1") short replicationFactor,
                         @DefaultValue("1") int minInsyncReplicas, @DefaultValue("-1") long retentionMs) {
        public Topics {
            if (partitions < 1) {
                throw new IllegalArgumentException("sync.topics.partitions must be at least 1, was " + partitions);
            }
        }
    }

    public StandaloneProperties {
        for (String role : roles) {
            if (!Roles.KNOWN.contains(role)) {
                throw new IllegalArgumentException("sync.roles: unknown role '" + role + "'; known roles: " + Roles.KNOWN);
            }
        }
    }
}

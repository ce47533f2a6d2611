package io.syncd.projector.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.syncd.applier.ReplayApplier;
import io.syncd.applier.ReplayApplier.ReplayedChange;
import io.syncd.common.SyncTable;
import io.syncd.projector.ProjectorProperties;
import io.syncd.projector.admin.Progress;
import io.syncd.store.accounts.AccountsTable;

/**
 * Rebuilds the synced tables from the change topics alone: every change event, from the beginning of each
 * partition up to its end offset when the replay starts, decided again by the applier's own logic
 * ({@link ReplayApplier}) into a scratch schema with the live schema's tables, in batches, in the order of
 * {@link ChangeTopicsReader#MERGE_ORDER}. Proves the topics are a complete log of every decision.
 */
@Component
public class TopicReplay {
    private static final Logger log = LoggerFactory.getLogger(TopicReplay.class);
    private static final int BATCH = 1000;

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final KafkaProperties kafka;
    private final ProjectorProperties properties;
    private final ReplaySchemas schemas;
    private final ReplayApplier applier = new ReplayApplier(Clock.systemUTC());

    TopicReplay(DataSource dataSource, JdbcClient jdbc, KafkaProperties kafka, ProjectorProperties properties,
            ReplaySchemas schemas) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.properties = properties;
        this.schemas = schemas;
    }

    /**
     * Creates {@code schema} (or replaces the one an earlier replay made) with the tables the change topics rebuild;
     * waits for the applier to catch up first.
     */
    public Replay.Result into(String schema) {
        try (ChangeTopicsReader reader = ChangeTopicsReader.open(consumer(), properties.applierWait())) {
            // The live tables must hold every decision of the changes this replay reads, or they differ for nothing.
            try (Admin admin = Admin.create(kafka.buildAdminProperties())) {
                ApplierCatchUp.await(admin, reader.ends(), properties.applierWait());
            }
            createScratch(schema);
            long replayed;
            long took;
            try (Progress progress = new Progress(log, "Replay of the change topics into " + schema, reader.total())) {
                replayed = feed(reader, schema, progress);
                took = progress.elapsedMillis();
            }
            Map<SyncTable, Long> rows = new LinkedHashMap<>();
            for (SyncTable table : SyncTable.values()) {
                rows.put(table, jdbc.sql("SELECT count(*) FROM " + schema + "." + table.wireName())
                        .query(Long.class).single());
            }
            log.info("Replayed {} change events from the topics into {} ({} records skipped as undecodable) in {} ms",
                    replayed, schema, reader.undecodable(), took);
            return new Replay.Result(rows, replayed);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // Assigned partitions, no group: a replay commits nothing and disturbs no one's offsets.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "syncd-replay-" + UUID.randomUUID().toString().substring(0, 8));
        // The applier reads committed records only; so does its replay.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The scratch schema: the live tables' definitions (keys, indexes, checks, defaults; no foreign keys, which the
     * replayed decisions keep by themselves), a {@code sync_log} with its own sequence, and the accounts with their
     * change sequence reset (only the columns the applier reads: no credentials are copied). Its tables are unlogged
     * and keep strokes uncompressed: a verify drops them, and WAL with its flush at every commit, and compressing every
     * note twice (record and audit row), took most of the replay's time.
     */
    private void createScratch(String schema) {
        schemas.create(schema);
        jdbc.sql("CREATE UNLOGGED TABLE " + schema + ".accounts"
                + " (id uuid PRIMARY KEY, change_seq bigint NOT NULL DEFAULT 0)").update();
        new AccountsTable(jdbc).copyIdsInto(schema);
        for (SyncTable table : SyncTable.values()) {
            jdbc.sql("CREATE UNLOGGED TABLE " + schema + "." + table.wireName() + " (LIKE public." + table.wireName()
                    + " INCLUDING ALL)").update();
            Replay.storeArraysUncompressed(jdbc, schema, table);
        }
        jdbc.sql("CREATE UNLOGGED TABLE " + schema + ".sync_log (LIKE public.sync_log INCLUDING ALL)").update();
        jdbc.sql(Replay.storeUncompressed(schema + ".sync_log", "data")).update();
        jdbc.sql("CREATE SEQUENCE " + schema + ".sync_log_seq OWNED BY " + schema + ".sync_log.seq").update();
        jdbc.sql("ALTER TABLE " + schema + ".sync_log ALTER COLUMN seq SET DEFAULT nextval('" + schema
                + ".sync_log_seq')").update();
    }

    /** Decides the merged changes batch by batch, each batch one transaction on the scratch schema. */
    private long feed(ChangeTopicsReader reader, String schema, Progress progress) {
        long replayed = 0;
        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            try {
                List<ReplayedChange> batch = new ArrayList<>(BATCH);
                for (ChangeTopicsReader.Read read = reader.next(); read != null; read = reader.next()) {
                    batch.add(read.change());
                    if (batch.size() == BATCH) {
                        decide(conn, schema, batch);
                        replayed += batch.size();
                        progress.advance(batch.size());
                        batch.clear();
                    }
                }
                decide(conn, schema, batch);
                replayed += batch.size();
                progress.advance(batch.size());
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Replaying the change topics into " + schema + " failed: " + e.getMessage(), e);
        }
        return replayed;
    }

    private void decide(Connection conn, String schema, List<ReplayedChange> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        // For this transaction only, the applier's unqualified table names are the scratch schema's.
        try (PreparedStatement ps = conn.prepareStatement("SELECT set_config('search_path', ?, true)")) {
            ps.setString(1, schema);
            ps.execute();
        }
        applier.decide(conn, batch);
        conn.commit();
    }
}

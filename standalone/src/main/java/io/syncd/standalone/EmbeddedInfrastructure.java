package io.syncd.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.syncd.standalone.embedded.EmbeddedDatabase;
import io.syncd.standalone.embedded.EmbeddedKafka;

/**
 * Starts what the configuration leaves out, before the application context exists: an embedded PostgreSQL unless
 * {@code spring.datasource.url} is set, an embedded Kafka unless {@code spring.kafka.bootstrap-servers} is set,
 * both durable under {@code sync.data-dir}; and the admin token file unless {@code sync.admin-token} is set.
 * Their addresses become properties, so the rest of the application cannot tell embedded from external.
 */
public final class EmbeddedInfrastructure implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

    private EmbeddedDatabase database;
    private EmbeddedKafka kafka;

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment env = event.getEnvironment();
        Path dataDir = Path.of(env.getProperty("sync.data-dir", "./sync-data")).toAbsolutePath().normalize();
        boolean needDatabase = !env.containsProperty("spring.datasource.url");
        boolean needKafka = !env.containsProperty("spring.kafka.bootstrap-servers");
        Map<String, Object> properties = new HashMap<>();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create sync.data-dir " + dataDir, e);
        }
        CompletableFuture<EmbeddedDatabase> db = needDatabase
                ? CompletableFuture.supplyAsync(() -> EmbeddedDatabase.start(dataDir.resolve("postgres"),
                        env.getProperty("sync.embedded.postgres-port", Integer.class, 0),
                        env.getProperty("sync.embedded.postgres-shared-buffers-mb", Integer.class,
                                EmbeddedDatabase.DEFAULT_SHARED_BUFFERS_MB)))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedKafka> broker = needKafka
                ? CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dataDir.resolve("kafka"),
                        env.getProperty("sync.embedded.kafka-port", Integer.class, 0)))
                : CompletableFuture.completedFuture(null);
        try {
            database = db.join();
            kafka = broker.join();
        } catch (CompletionException e) {
            close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (database != null) {
            properties.put("spring.datasource.url", database.jdbcUrl());
            properties.put("spring.datasource.username", database.username());
            properties.put("spring.datasource.password", database.password());
            log.info("Embedded PostgreSQL (durable, data in {}) at {}; other processes join with --spring.datasource.url={}",
                    dataDir.resolve("postgres"), database.jdbcUrl(), database.jdbcUrl());
        }
        if (kafka != null) {
            properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
            log.info("Embedded Kafka (KRaft, data in {}) at {}; other processes join with --spring.kafka.bootstrap-servers={}",
                    dataDir.resolve("kafka"), kafka.bootstrapServers(), kafka.bootstrapServers());
        }
        if (!env.containsProperty("sync.admin-token")) {
            properties.put("sync.admin-token", AdminTokenFile.loadOrCreate(dataDir.resolve("admin-token")));
        }
        env.getPropertySources().addFirst(new MapPropertySource("syncd-embedded", properties));
    }

    public EmbeddedDatabase database() {
        return database;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** Stops the broker, then the database; safe to call twice. */
    @Override
    public synchronized void close() {
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                log.warn("Stopping the embedded Kafka failed", e);
            }
            kafka = null;
        }
        if (database != null) {
            try {
                database.close();
            } catch (RuntimeException e) {
                log.warn("Stopping the embedded PostgreSQL failed", e);
            }
            database = null;
        }
    }
}

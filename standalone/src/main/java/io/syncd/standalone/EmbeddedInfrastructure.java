package io.syncd.standalone;

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
import io.syncd.standalone.embedded.FatalFaultListener;
import io.syncd.standalone.embedded.JoinSettings;
import io.syncd.standalone.embedded.OwnerOnly;

/**
 * Starts what the configuration leaves out, before the application context exists: an embedded PostgreSQL unless
 * {@code spring.datasource.url} is set, an embedded Kafka unless {@code spring.kafka.bootstrap-servers} is set,
 * both durable under {@code sync.data-dir}, which this process then holds alone ({@link DataFolderLock}) and which
 * only its owner may read; and the admin token file unless {@code sync.admin-token} is set. Their addresses and
 * secrets become properties, so the rest of the application cannot tell embedded from external, and the file
 * {@code <data-dir>/join.properties}, which other processes join them with.
 */
public final class EmbeddedInfrastructure implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

    private final FatalFaultListener onFatalFault;
    private DataFolderLock lock;
    private EmbeddedDatabase database;
    private EmbeddedKafka kafka;
    private volatile boolean kafkaFailed;

    /** @param onFatalFault told when an embedded server fails for good once started */
    EmbeddedInfrastructure(FatalFaultListener onFatalFault) {
        this.onFatalFault = (component, reason) -> {
            if (component.equals("kafka")) {
                kafkaFailed = true;
            }
            onFatalFault.fatalFault(component, reason);
        };
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment env = event.getEnvironment();
        Path dataDir = Path.of(env.getProperty("sync.data-dir", "./sync-data")).toAbsolutePath().normalize();
        boolean needDatabase = !env.containsProperty("spring.datasource.url");
        boolean needKafka = !env.containsProperty("spring.kafka.bootstrap-servers");
        PortCheck.ensureFree(env, needDatabase, needKafka);
        if (OwnerOnly.folder(dataDir)) {
            log.info("Made the data folder {} readable by its owner only", dataDir);
        }
        Map<String, Object> properties = new HashMap<>();
        if (needDatabase || needKafka) {
            lock = DataFolderLock.take(dataDir);
            startServers(env, dataDir, needDatabase, needKafka);
            Map<String, String> join = JoinSettings.of(database, kafka);
            properties.putAll(join);
            Path joinFile = dataDir.resolve(JoinSettings.FILE);
            JoinSettings.write(joinFile, join);
            if (database != null) {
                log.info("Embedded PostgreSQL (durable, data in {}) at {}, user {}, password in {}", dataDir.resolve("postgres"),
                        database.jdbcUrl(), database.username(), dataDir.resolve("postgres.password"));
            }
            if (kafka != null) {
                log.info("Embedded Kafka (KRaft, data in {}) at {}, SASL/PLAIN user {}, password in {}", dataDir.resolve("kafka"),
                        kafka.bootstrapServers(), EmbeddedKafka.USER, dataDir.resolve("kafka.password"));
            }
            log.info("Other processes join the embedded {} with --spring.config.import=file:{}",
                    database != null && kafka != null ? "PostgreSQL and Kafka" : database != null ? "PostgreSQL" : "Kafka",
                    joinFile);
        }
        if (!env.containsProperty("sync.admin-token")) {
            properties.put("sync.admin-token", AdminTokenFile.loadOrCreate(dataDir.resolve("admin-token")));
        }
        env.getPropertySources().addFirst(new MapPropertySource("syncd-embedded", properties));
    }

    /**
     * Starts both side by side and waits for both: when one fails, the other is stopped once it is up (a broker left
     * starting would keep the JVM alive and listening), and so is the lock.
     */
    private void startServers(ConfigurableEnvironment env, Path dataDir, boolean needDatabase, boolean needKafka) {
        CompletableFuture<EmbeddedDatabase> db = needDatabase
                ? CompletableFuture.supplyAsync(() -> EmbeddedDatabase.start(dataDir.resolve("postgres"),
                        env.getProperty("sync.embedded.postgres-port", Integer.class, 0),
                        env.getProperty("sync.embedded.postgres-shared-buffers-mb", Integer.class,
                                EmbeddedDatabase.DEFAULT_SHARED_BUFFERS_MB), onFatalFault))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedKafka> broker = needKafka
                ? CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dataDir.resolve("kafka"),
                        env.getProperty("sync.embedded.kafka-port", Integer.class, 0), onFatalFault))
                : CompletableFuture.completedFuture(null);
        RuntimeException failure = null;
        try {
            database = db.join();
        } catch (CompletionException e) {
            failure = unwrap(e);
        }
        try {
            kafka = broker.join();
        } catch (CompletionException e) {
            if (failure == null) {
                failure = unwrap(e);
            } else {
                failure.addSuppressed(unwrap(e));
            }
        }
        if (failure != null) {
            close();
            throw failure;
        }
    }

    private static RuntimeException unwrap(CompletionException e) {
        return e.getCause() instanceof RuntimeException r ? r : e;
    }

    public EmbeddedDatabase database() {
        return database;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    /**
     * Stops the broker, then the database, then lets go of the data folder; safe to call twice. A broker that met a
     * fatal fault is left as it is: its failed thread never returns, and its shutdown would wait for it forever. Its
     * log recovers at the next start, as after {@code kill -9}.
     */
    @Override
    public synchronized void close() {
        if (kafka != null && kafkaFailed) {
            log.warn("The embedded Kafka met a fatal fault: not stopping it; its log recovers at the next start");
        } else if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                log.warn("Stopping the embedded Kafka failed", e);
            }
        }
        kafka = null;
        if (database != null) {
            try {
                database.close();
            } catch (RuntimeException e) {
                log.warn("Stopping the embedded PostgreSQL failed", e);
            }
            database = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}

package io.syncd.standalone;

import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A running server: the Spring context and the embedded infrastructure it runs on. Closing stops them in that
 * order (requests, then the applier's last batch, then the broker and the database), which Spring's own shutdown
 * hook could not guarantee.
 */
public final class SyncServer implements AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final EmbeddedInfrastructure infrastructure;

    private SyncServer(ConfigurableApplicationContext context, EmbeddedInfrastructure infrastructure) {
        this.context = context;
        this.infrastructure = infrastructure;
    }

    public static SyncServer start(String... args) {
        Throwable noNativeLz4 = NativeLz4.load();
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();
        SpringApplication application = new SpringApplication(SyncApplication.class);
        application.setRegisterShutdownHook(false);
        application.addListeners(infrastructure);
        try {
            SyncServer server = new SyncServer(application.run(args), infrastructure);
            if (noNativeLz4 != null) { // logged now that Spring Boot has configured logging
                LoggerFactory.getLogger(SyncServer.class).warn("Kafka's lz4 compression runs on lz4-java's Java codec:"
                        + " its native library did not load ({})", noNativeLz4.toString());
            }
            return server;
        } catch (RuntimeException e) {
            infrastructure.close();
            throw e;
        }
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public EmbeddedInfrastructure infrastructure() {
        return infrastructure;
    }

    @Override
    public synchronized void close() {
        try {
            context.close();
        } finally {
            infrastructure.close();
        }
    }
}

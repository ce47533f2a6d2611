package io.syncd.standalone;

import java.util.Map;

import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A running server: the Spring context and the embedded infrastructure it runs on. Closing stops them in that
 * order (requests, then the applier's last batch, then the broker and the database), which Spring's own shutdown
 * hook could not guarantee. A fatal fault of an embedded server stops it and exits the JVM ({@link FatalFaults}).
 */
public final class SyncServer implements AutoCloseable {
    private final FatalFaults faults;
    private final EmbeddedInfrastructure infrastructure;
    private ConfigurableApplicationContext context;
    private boolean closed;

    private SyncServer() {
        this.faults = new FatalFaults(this::close);
        this.infrastructure = new EmbeddedInfrastructure(faults);
    }

    /**
     * Starts the embedded servers the settings leave out, then the roles; a failed start stops whatever it started
     * and throws. An unknown {@code --sync.*} setting is refused before anything starts.
     */
    public static SyncServer start(String... args) {
        return start(Map.of(), args);
    }

    /** As {@link #start(String...)}, with the caller's objects among the context's beans (a clock a test moves). */
    static SyncServer start(Map<String, Object> beans, String... args) {
        CommandLine.checkSyncSettings(args);
        Throwable noNativeLz4 = NativeLz4.load();
        SyncServer server = new SyncServer();
        SpringApplication application = new SpringApplication(SyncApplication.class);
        application.setRegisterShutdownHook(false);
        application.addListeners(server.infrastructure);
        application.addInitializers(context -> {
            context.getBeanFactory().registerSingleton("fatalFaults", server.faults);
            beans.forEach(context.getBeanFactory()::registerSingleton);
        });
        try {
            ConfigurableApplicationContext context = application.run(args);
            synchronized (server) {
                server.context = context;
                if (server.closed) { // a fatal fault stopped the server while it started
                    context.close();
                }
            }
            if (noNativeLz4 != null) { // logged now that Spring Boot has configured logging
                LoggerFactory.getLogger(SyncServer.class).warn("Kafka's lz4 compression runs on lz4-java's Java codec:"
                        + " its native library did not load ({})", noNativeLz4.toString());
            }
            return server;
        } catch (RuntimeException e) {
            server.infrastructure.close();
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
        closed = true;
        try {
            if (context != null) {
                context.close();
            }
        } finally {
            infrastructure.close();
        }
    }
}

package io.syncd.standalone.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncd.standalone.embedded.FileTrees;

/**
 * A single-node Kafka (KRaft, broker and controller in one) running in this JVM and keeping its log in a folder that
 * only its owner may read. Both listeners are on the loopback address and take SASL/PLAIN clients that know the
 * generated password kept beside that folder ({@code <dir>.password}, owner-only): any other local process is refused.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    // Fixed: a log folder belongs to one cluster for its whole life (22 characters, a base64 UUID as Kafka expects).
    private static final String CLUSTER_ID = "c3luY2Qtc3RhbmRhbG9uZQ";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String BROKER_LISTENER = "BROKER";
    /** The one account of the broker, its clients' and its own (broker to controller). */
    public static final String USER = "syncd";
    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";
    public static final String SASL_MECHANISM = "PLAIN";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
    /** Kafka's own answer to a fatal fault, for brokers whose owner gave no listener: the JVM ends at once. */
    private static final FatalFaultListener HALT = (component, reason) -> {
        log.error("Fatal fault of the embedded Kafka ({}): halting the JVM", reason);
        Runtime.getRuntime().halt(1);
    };
    /** Set while a thread runs a broker's startup: a fault there fails the start instead of ending the JVM. */
    private static final ThreadLocal<Boolean> STARTING = ThreadLocal.withInitial(() -> false);
    // Kafka's exit and halt procedures are global to the JVM: the broker started last decides who hears of a fault.
    private static volatile FatalFaultListener fatalFaults = HALT;

    private final KafkaRaftServer server;
    private final int port;
    private final String password;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, int port, String password) {
        this.server = server;
        this.port = port;
        this.password = password;
    }

    /** {@link #start(Path, int, FatalFaultListener)} that halts the JVM on a fatal fault, as Kafka itself does. */
    public static EmbeddedKafka start(Path dir, int port) {
        return start(dir, port, HALT);
    }

    /**
     * Starts the broker on {@code dir}, formatting its log folder on first use. Port 0 reuses the port of the last run
     * or picks a free one, and moves to another should that be taken; any other port is used as is and must be free.
     *
     * @param onFatalFault told, from the failing Kafka thread, when the broker meets a fault it cannot go on after (a
     *        failed log folder, say); that thread never returns. Kafka would halt the JVM there
     */
    public static EmbeddedKafka start(Path dir, int port, FatalFaultListener onFatalFault) {
        long started = System.nanoTime();
        Path home = dir.toAbsolutePath().normalize();
        Path logDir = home.resolve("log");
        OwnerOnly.folder(home);
        Path passwordFile = home.resolveSibling(home.getFileName() + ".password");
        String password = OwnerOnly.secret(passwordFile);
        if (password.contains("\"") || password.contains("\\")) {
            throw new IllegalStateException(passwordFile + " holds a quote or a backslash, which a JAAS setting cannot carry");
        }
        fatalFaults = onFatalFault;
        Exit.setHaltProcedure(EmbeddedKafka::exitRequested);
        Exit.setExitProcedure(EmbeddedKafka::exitRequested);
        boolean formatted = Files.exists(logDir.resolve("meta.properties"));
        Ports ports = new Ports(home.resolve("ports.properties"));
        int brokerPort = ports.choose("broker", port);
        int controllerPort = ports.choose("controller", 0);
        if (controllerPort == brokerPort) {
            controllerPort = ports.fresh("controller", brokerPort);
        }
        for (int attempt = 1; ; attempt++) {
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir, controllerPort);
            }
            try {
                KafkaRaftServer server = startServer(home, logDir, brokerPort, controllerPort, password);
                log.info("Embedded Kafka started at 127.0.0.1:{} in {} ms (data in {}{})", brokerPort,
                        (System.nanoTime() - started) / 1_000_000, home, formatted ? "" : ", formatted now");
                return new EmbeddedKafka(server, brokerPort, password);
            } catch (IllegalStateException failure) {
                boolean brokerTaken = !Ports.isFree(brokerPort);
                boolean controllerTaken = !Ports.isFree(controllerPort);
                if (brokerTaken && port != 0) {
                    throw new IllegalStateException("Port " + port + " for the embedded broker is in use; choose another",
                            failure);
                }
                if (attempt == Ports.START_ATTEMPTS || !(brokerTaken || controllerTaken)) {
                    throw failure;
                }
                // Another process bound it since it was chosen (or saved): both ports are ours to choose.
                if (brokerTaken) {
                    log.warn("The embedded Kafka's port {} is taken; starting on another", brokerPort);
                    brokerPort = ports.fresh("broker", controllerPort);
                }
                if (controllerTaken) {
                    log.warn("The embedded Kafka's controller port {} is taken; starting on another", controllerPort);
                    controllerPort = ports.fresh("controller", brokerPort);
                }
            }
        }
    }

    /**
     * Starts the broker and controller on these ports. Should the controller's differ from the one the folder was
     * formatted with, that is fine: the voter set still names the old address, but the single voter leads with its
     * current listener (checked on 4.2.2).
     */
    private static KafkaRaftServer startServer(Path home, Path logDir, int brokerPort, int controllerPort, String password) {
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config(logDir, brokerPort, controllerPort, password), false),
                Time.SYSTEM);
        // A fault in startup() itself (a port taken, say) would end the JVM; this start's caller would rather learn which.
        STARTING.set(true);
        try {
            // Returns once the broker is registered and unfenced, so clients can use it right away.
            server.startup();
            return server;
        } catch (RuntimeException e) {
            IllegalStateException failure = new IllegalStateException("The embedded Kafka in " + home
                    + " did not start on 127.0.0.1:" + brokerPort + " (controller 127.0.0.1:" + controllerPort + ")", e);
            try {
                // A failed broker start leaves the controller running; stop it so the folder and ports are released.
                stop(server);
            } catch (RuntimeException stopFailure) {
                failure.addSuppressed(stopFailure);
            }
            throw failure;
        } finally {
            STARTING.remove();
        }
    }

    /**
     * Kafka's exit and halt procedure. Kafka's default halts the JVM at once, which leaves the rest of the process no
     * say; {@link Exit#resetHaltProcedure()} makes it throw instead, which kills only the failing thread and leaves a
     * broken broker serving. So the owner is told, and the failing thread never returns: Kafka expects nothing after
     * this call, and one of its threads carrying on after a fatal fault could lose acknowledged records.
     */
    private static void exitRequested(int status, String message) {
        String reason = "Kafka stopped with status " + status + (message == null ? "" : ": " + message);
        if (STARTING.get()) {
            throw new IllegalStateException(reason);
        }
        fatalFaults.fatalFault("kafka", reason);
        while (true) {
            LockSupport.park();
        }
    }

    private static Map<String, Object> config(Path logDir, int brokerPort, int controllerPort, String password) {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort);
        // Both listeners authenticate, the controller's too: it also serves admin requests (KIP-919).
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":" + SECURITY_PROTOCOL + "," + CONTROLLER_LISTENER + ":"
                + SECURITY_PROTOCOL);
        props.put("sasl.enabled.mechanisms", SASL_MECHANISM);
        props.put("sasl.mechanism.inter.broker.protocol", SASL_MECHANISM);
        props.put("sasl.mechanism.controller.protocol", SASL_MECHANISM);
        // Each listener's users (user_NAME) and the account the broker itself connects with (username, password).
        String jaas = PLAIN_LOGIN + " required username=\"" + USER + "\" password=\"" + password + "\" user_" + USER + "=\""
                + password + "\";";
        for (String listener : List.of(BROKER_LISTENER, CONTROLLER_LISTENER)) {
            props.put("listener.name." + listener.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config", jaas);
        }
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", logDir.toString());
        // One node: every replication factor is 1, and an ISR of 1 must be enough to write.
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Internal topics are created on first use; 8 partitions instead of 50 make the first group join fast.
        props.put("offsets.topic.num.partitions", "8");
        props.put("transaction.state.log.num.partitions", "8");
        props.put("num.partitions", "8");
        props.put("auto.create.topics.enable", "false");
        props.put("group.initial.rebalance.delay.ms", "0");
        // After kill -9 the restarted broker waits until the controller expires its old session: keep that short.
        props.put("broker.session.timeout.ms", "2500");
        props.put("broker.heartbeat.interval.ms", "500");
        // The default 128 MiB dedupe buffer is allocated up front; compacted topics here are small.
        props.put("log.cleaner.dedupe.buffer.size", "8388608");
        return props;
    }

    /** Formats an unformatted log folder as the single voter of a dynamic (KIP-853) quorum. */
    private static void format(Path logDir, int controllerPort) {
        clearUnformatted(logDir);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(NODE_ID)
                    .setClusterId(CLUSTER_ID)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    // Without it the initial voter set is refused: "not expected when the kraft.version is 0".
                    .setHasDynamicQuorum(true)
                    .setInitialControllers(DynamicVoters.parse(
                            NODE_ID + "@127.0.0.1:" + controllerPort + ":" + Uuid.randomUuid()))
                    .run();
        } catch (Exception e) {
            IllegalStateException failure = new IllegalStateException("Formatting the Kafka log folder " + logDir
                    + " failed: " + output.toString(StandardCharsets.UTF_8).strip(), e);
            try {
                // A partly formatted folder has meta.properties missing or wrong: the next start formats afresh.
                FileTrees.delete(logDir);
            } catch (UncheckedIOException cleanupFailure) {
                failure.addSuppressed(cleanupFailure);
            }
            throw failure;
        }
    }

    /**
     * The formatter writes meta.properties last, so a folder without it holds at most the leftovers of an interrupted
     * format, which would make formatting fail. Segment files, though, mean a broker ran here: never delete those.
     */
    private static void clearUnformatted(Path logDir) {
        if (!Files.exists(logDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(logDir)) {
            Optional<Path> segment = files.filter(p -> p.getFileName().toString().endsWith(".log")).findFirst();
            if (segment.isPresent()) {
                throw new IllegalStateException("The Kafka log folder " + logDir + " has no meta.properties but holds data ("
                        + segment.get() + "); restore meta.properties or move the folder away");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Kafka log folder " + logDir, e);
        }
        log.warn("Removing {}: an earlier format of it was interrupted", logDir);
        FileTrees.delete(logDir);
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    /** The address clients connect to: {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** What a Kafka client needs to connect: the address and the SASL settings with the password. */
    public Map<String, Object> clientProperties() {
        return Map.of("bootstrap.servers", bootstrapServers(), "security.protocol", SECURITY_PROTOCOL,
                "sasl.mechanism", SASL_MECHANISM, "sasl.jaas.config", clientJaas(password));
    }

    /** The JAAS setting ({@code sasl.jaas.config}) of a client logging in with {@code password}. */
    public static String clientJaas(String password) {
        return PLAIN_LOGIN + " required username=\"" + USER + "\" password=\"" + password + "\";";
    }

    /** The broker's client port. */
    public int port() {
        return port;
    }

    /** Stops the broker and controller and waits until they are down; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        stop(server);
        log.info("Embedded Kafka at 127.0.0.1:{} stopped in {} ms", port, (System.nanoTime() - started) / 1_000_000);
    }
}

package io.syncd.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.config.SaslConfigs;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;

import io.syncd.common.SyncTable;
import io.syncd.common.Topics;
import io.syncd.standalone.embedded.EmbeddedKafka;
import io.syncd.standalone.embedded.JoinSettings;

/**
 * Roles as separate processes of the standalone jar: one runs the gateway with the embedded Kafka and PostgreSQL and
 * no applier, and applier-only processes join it with the join.properties it writes, so a run can measure throughput
 * with 1, 2, 3… appliers.
 */
final class ScaleOut implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(120);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Path jar;
    private final Path dataDir;
    private final List<String> serverArgs;
    private final int kafkaPort = freePort();
    private final int postgresPort = freePort();
    private final List<Server> appliers = new ArrayList<>();
    private final Thread reaper = new Thread(this::close, "scale-out-reaper");
    private Server gateway;

    /** One process of the jar: its HTTP address and its output file. */
    private record Server(String name, Process process, String url, Path log) {
    }

    private ScaleOut(Path jar, Path dataDir, List<String> serverArgs) {
        this.jar = jar;
        this.dataDir = dataDir;
        this.serverArgs = serverArgs;
    }

    /** Starts the gateway process with the embedded Kafka and PostgreSQL, and waits until it is healthy. */
    static ScaleOut start(Path jar, List<String> serverArgs) throws IOException, InterruptedException {
        // No Spring in this JVM to lower logback's DEBUG default: the admin client would log every request.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.WARN);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it (mvn -DskipTests package) or"
                    + " name it with --jar");
        }
        ScaleOut scale = new ScaleOut(jar.toAbsolutePath(), Files.createTempDirectory("sync-bench-scale-"), serverArgs);
        // Ctrl-C or an error ends the run: the processes must not outlive it.
        Runtime.getRuntime().addShutdownHook(scale.reaper);
        try {
            // A push waits for its decisions until the group has settled after a join, instead of answering pending.
            scale.gateway = scale.launch("gateway", "--sync.roles=gateway", "--sync.embedded.kafka-port=" + scale.kafkaPort,
                    "--sync.embedded.postgres-port=" + scale.postgresPort, "--sync.gateway.decision-wait=30s");
            scale.awaitHealthy(scale.gateway);
        } catch (RuntimeException | InterruptedException e) {
            scale.close();
            throw e;
        }
        return scale;
    }

    /** The gateway's address. */
    String url() {
        return gateway.url();
    }

    /**
     * Starts (or stops, with SIGTERM) applier processes until {@code count} run, and waits until each is healthy and
     * the applier group is those members sharing every partition.
     */
    void appliers(int count) throws InterruptedException, ExecutionException, TimeoutException, IOException {
        while (appliers.size() > count) {
            stop(appliers.remove(appliers.size() - 1));
        }
        while (appliers.size() < count) {
            // The gateway wrote the embedded servers' addresses and secrets there, owner-only.
            appliers.add(launch("applier-" + (appliers.size() + 1), "--sync.roles=applier",
                    "--spring.config.import=file:" + dataDir.resolve("gateway").resolve(JoinSettings.FILE)));
        }
        for (Server applier : appliers) {
            awaitHealthy(applier);
        }
        awaitGroup(count);
    }

    private Server launch(String name, String... roleArgs) {
        int port = freePort();
        Path log = dataDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--server.port=" + port, "--sync.data-dir=" + dataDir.resolve(name),
                "--sync.admin-token=bench", "--logging.level.io.syncd.gateway.requests=WARN",
                "--sync.gateway.address-rate-limit.enabled=false", "--sync.metrics.open=true"));
        command.addAll(List.of(roleArgs));
        command.addAll(serverArgs);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Server(name, process, "http://127.0.0.1:" + port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " from " + jar, e);
        }
    }

    private void awaitHealthy(Server server) throws InterruptedException {
        BenchClient client = new BenchClient(server.url(), null);
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            if (!server.process().isAlive()) {
                throw new IllegalStateException(server.name() + " exited with " + server.process().exitValue() + "; "
                        + tail(server.log()));
            }
            try {
                if (client.get("/health").status() == 200) {
                    return;
                }
            } catch (UncheckedIOException notListeningYet) {
                // Starting: the port opens once the application is up.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(server.name() + " was not healthy within " + START_LIMIT + "; "
                        + tail(server.log()));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private void awaitGroup(int members) throws InterruptedException, ExecutionException, TimeoutException, IOException {
        String password = Files.readString(dataDir.resolve("gateway").resolve("kafka.password")).strip();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort,
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, EmbeddedKafka.SECURITY_PROTOCOL,
                SaslConfigs.SASL_MECHANISM, EmbeddedKafka.SASL_MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, EmbeddedKafka.clientJaas(password)))) {
            Set<TopicPartition> all = new HashSet<>();
            for (String topic : SyncTable.topics()) {
                int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topic).partitions().size();
                for (int p = 0; p < partitions; p++) {
                    all.add(new TopicPartition(topic, p));
                }
            }
            long deadline = System.nanoTime() + START_LIMIT.toNanos();
            while (true) {
                ConsumerGroupDescription group = describe(admin);
                if (group == null) {
                    // Healthy before it joined: Kafka knows no group until its first member does.
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the applier group did not form within " + START_LIMIT);
                    }
                    Thread.sleep(POLL.toMillis());
                    continue;
                }
                Set<TopicPartition> assigned = new HashSet<>();
                group.members().stream().map(MemberDescription::assignment).forEach(a -> assigned.addAll(a.topicPartitions()));
                boolean everyMemberWorks = group.members().stream().noneMatch(m -> m.assignment().topicPartitions().isEmpty());
                if (group.members().size() == members && everyMemberWorks && assigned.equals(all)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the applier group did not settle on " + members + " members within "
                            + START_LIMIT + ": " + group);
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    /** The applier group, or null while Kafka knows no such group. */
    private static ConsumerGroupDescription describe(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeConsumerGroups(List.of(Topics.APPLIER_GROUP)).all().get(30, TimeUnit.SECONDS)
                    .get(Topics.APPLIER_GROUP);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    /** SIGTERM, as an operator would: the applier finishes its batch and commits before it exits. */
    private static void stop(Server server) {
        server.process().destroy();
        try {
            if (!server.process().waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                server.process().destroyForcibly().waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.process().destroyForcibly();
        }
    }

    /** Stops the appliers, then the gateway with its Kafka and PostgreSQL; the data folder and logs stay. */
    @Override
    public synchronized void close() {
        appliers.forEach(ScaleOut::stop);
        appliers.clear();
        if (gateway != null) {
            stop(gateway);
            gateway = null;
        }
        if (Thread.currentThread() != reaper) {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs, or ran, anyway.
            }
        }
    }

    Path dataDir() {
        return dataDir;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "the end of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "see " + log;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

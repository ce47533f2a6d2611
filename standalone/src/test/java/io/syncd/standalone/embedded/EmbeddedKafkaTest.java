package io.syncd.standalone.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
    private static final String TOPIC = "changes";
    private static final String GROUP = "appliers";
    private static final TopicPartition FIRST = new TopicPartition(TOPIC, 0);
    private static final TopicPartition SECOND = new TopicPartition(TOPIC, 1);
    private static final Map<TopicPartition, OffsetAndMetadata> COMMITTED =
            Map.of(FIRST, new OffsetAndMetadata(3), SECOND, new OffsetAndMetadata(4));
    private static final List<String> VALUES = IntStream.range(0, 10).mapToObj(i -> "change-" + i).toList();

    @TempDir
    Path dataDir;

    @BeforeAll
    static void quietLogs() {
        EmbeddedServerProcess.quietLogs();
    }

    @Test
    void topicsRecordsAndCommittedOffsetsSurviveARestartOnTheSavedPort() throws Exception {
        Path dir = dataDir.resolve("kafka");
        EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
        int port = kafka.port();
        try {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            writeAndCommit(kafka.clientProperties());
        } finally {
            kafka.close();
        }
        kafka.close();

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dir, 0)) {
            assertThat(restarted.port()).isEqualTo(port);
            assertWrittenAndCommitted(restarted.clientProperties());
        }
    }

    @Test
    void topicsRecordsAndCommittedOffsetsSurviveKillOfTheJvm() throws Exception {
        Path dir = dataDir.resolve("kafka");
        EmbeddedServerProcess child = EmbeddedServerProcess.start("kafka", dir);
        Map<String, Object> client = new HashMap<>(clientOf(dir));
        client.put("bootstrap.servers", "127.0.0.1:" + child.port());
        writeAndCommit(client);

        child.kill();

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dir, 0)) {
            assertThat(restarted.port()).isEqualTo(child.port());
            assertWrittenAndCommitted(restarted.clientProperties());
        }
    }

    @Test
    void takenSavedPortsAreReplacedByFreeOnesAndTheDataIsKept() throws Exception {
        Path dir = dataDir.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            writeAndCommit(kafka.clientProperties());
        }
        Properties saved = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("ports.properties"))) {
            saved.load(in);
        }
        int brokerPort = Integer.parseInt(saved.getProperty("broker"));
        int controllerPort = Integer.parseInt(saved.getProperty("controller"));

        // Another process took both ports while the broker was down: the start finds out when it binds them, as it
        // would for a port taken between choosing and binding it.
        int movedTo;
        try (ServerSocket broker = new ServerSocket(brokerPort, 1, InetAddress.getLoopbackAddress());
                ServerSocket controller = new ServerSocket(controllerPort, 1, InetAddress.getLoopbackAddress());
                EmbeddedKafka moved = EmbeddedKafka.start(dir, 0)) {
            movedTo = moved.port();
            assertThat(movedTo).isNotIn(brokerPort, controllerPort);
            assertWrittenAndCommitted(moved.clientProperties());
        }

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dir, 0)) {
            assertThat(restarted.port()).as("the new port is saved for the next start").isEqualTo(movedTo);
        }
    }

    @Test
    void onlyAClientThatKnowsThePasswordKeptOwnerOnlyBesideTheFolderMayProduceOrAdminister() throws Exception {
        Path dir = dataDir.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            Path passwordFile = dataDir.resolve("kafka.password");
            assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            Map<String, Object> anonymous = Map.of("bootstrap.servers", kafka.bootstrapServers());
            Map<String, Object> wrongPassword = new HashMap<>(kafka.clientProperties());
            wrongPassword.put("sasl.jaas.config", EmbeddedKafka.clientJaas("guessed"));

            assertThatThrownBy(() -> produce(anonymous)).as("a client without SASL").isInstanceOf(Exception.class);
            assertThatThrownBy(() -> produce(wrongPassword)).as("a client with a wrong password")
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            Map<String, Object> controller = new HashMap<>(kafka.clientProperties());
            controller.remove("bootstrap.servers");
            controller.put("bootstrap.controllers", "127.0.0.1:" + savedPorts(dir).getProperty("controller"));
            controller.put("default.api.timeout.ms", 5000);
            controller.put("request.timeout.ms", 5000);
            try (Admin admin = Admin.create(controller)) {
                assertThat(admin.describeCluster().nodes().get()).as("the controller's listener with SASL").isNotEmpty();
            }
            controller.keySet().removeAll(List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config"));
            try (Admin admin = Admin.create(controller)) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get()).as("the controller's listener without SASL")
                        .isInstanceOf(ExecutionException.class);
            }
            assertThat(endOffset(kafka)).as("records written by refused clients").isZero();

            produce(kafka.clientProperties());
            assertThat(endOffset(kafka)).isEqualTo(1);
        }
    }

    @Test
    void aRequestedPortThatIsTakenFailsFastNamingIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedKafka.start(dataDir.resolve("kafka"), taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(Integer.toString(taken.getLocalPort()))
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void aLogFolderWithDataButNoMetaPropertiesIsNeverFormattedOver() throws IOException {
        Path segment = dataDir.resolve("kafka/log/" + TOPIC + "-0/00000000000000000000.log");
        Files.createDirectories(segment.getParent());
        Files.createFile(segment);

        assertThatThrownBy(() -> EmbeddedKafka.start(dataDir.resolve("kafka"), 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("meta.properties");
        assertThat(segment).exists();
    }

    /** Sends one record to {@link #TOPIC} and waits for its acknowledgement, giving up after a few seconds. */
    private static void produce(Map<String, Object> client) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, "written")).get(30, TimeUnit.SECONDS);
        }
    }

    private static long endOffset(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return admin.listOffsets(Map.of(FIRST, OffsetSpec.latest())).partitionResult(FIRST).get().offset();
        }
    }

    private static Properties savedPorts(Path dir) throws IOException {
        Properties saved = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("ports.properties"))) {
            saved.load(in);
        }
        return saved;
    }

    /** The settings a client of the broker on {@code dir} connects with: its password is kept beside that folder. */
    private static Map<String, Object> clientOf(Path dir) throws IOException {
        String password = Files.readString(dir.resolveSibling(dir.getFileName() + ".password")).strip();
        return Map.of("security.protocol", EmbeddedKafka.SECURITY_PROTOCOL, "sasl.mechanism", EmbeddedKafka.SASL_MECHANISM,
                "sasl.jaas.config", EmbeddedKafka.clientJaas(password));
    }

    /** Creates the topic, writes {@link #VALUES} acknowledged by all replicas, and commits {@link #COMMITTED}. */
    private static void writeAndCommit(Map<String, Object> client) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < VALUES.size(); i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, null, VALUES.get(i))).get();
            }
        }
        try (KafkaConsumer<String, String> consumer = consumer(client, GROUP)) {
            consumer.assign(COMMITTED.keySet());
            consumer.commitSync(COMMITTED);
        }
    }

    private static void assertWrittenAndCommitted(Map<String, Object> client) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(client)) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
            assertThat(topic.partitions()).hasSize(2);
            assertThat(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()).isEqualTo(COMMITTED);
        }
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(client, null)) {
            consumer.assign(COMMITTED.keySet());
            consumer.seekToBeginning(COMMITTED.keySet());
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    read.add(record.value());
                }
                return read.size() >= VALUES.size();
            });
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(VALUES);
    }

    private static KafkaConsumer<String, String> consumer(Map<String, Object> client, String group) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}

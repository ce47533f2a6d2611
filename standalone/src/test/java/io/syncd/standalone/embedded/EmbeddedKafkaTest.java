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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
            writeAndCommit(kafka.bootstrapServers());
        } finally {
            kafka.close();
        }
        kafka.close();

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dir, 0)) {
            assertThat(restarted.port()).isEqualTo(port);
            assertWrittenAndCommitted(restarted.bootstrapServers());
        }
    }

    @Test
    void topicsRecordsAndCommittedOffsetsSurviveKillOfTheJvm() throws Exception {
        Path dir = dataDir.resolve("kafka");
        EmbeddedServerProcess child = EmbeddedServerProcess.start("kafka", dir);
        writeAndCommit("127.0.0.1:" + child.port());

        child.kill();

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dir, 0)) {
            assertThat(restarted.port()).isEqualTo(child.port());
            assertWrittenAndCommitted(restarted.bootstrapServers());
        }
    }

    @Test
    void takenSavedPortsAreReplacedByFreeOnesAndTheDataIsKept() throws Exception {
        Path dir = dataDir.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            writeAndCommit(kafka.bootstrapServers());
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
            assertWrittenAndCommitted(moved.bootstrapServers());
        }

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dir, 0)) {
            assertThat(restarted.port()).as("the new port is saved for the next start").isEqualTo(movedTo);
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

    /** Creates the topic, writes {@link #VALUES} acknowledged by all replicas, and commits {@link #COMMITTED}. */
    private static void writeAndCommit(String bootstrapServers) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < VALUES.size(); i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 2, null, VALUES.get(i))).get();
            }
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers, GROUP)) {
            consumer.assign(COMMITTED.keySet());
            consumer.commitSync(COMMITTED);
        }
    }

    private static void assertWrittenAndCommitted(String bootstrapServers) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
            assertThat(topic.partitions()).hasSize(2);
            assertThat(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()).isEqualTo(COMMITTED);
        }
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers, null)) {
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

    private static KafkaConsumer<String, String> consumer(String bootstrapServers, String group) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}

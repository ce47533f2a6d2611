package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.RecordRules;
import io.syncd.common.SyncTable;
import io.syncd.common.Topics;
import io.syncd.standalone.embedded.EmbeddedDatabase;
import tools.jackson.databind.node.ObjectNode;

/**
 * A poison record is dead-lettered once, not each time it is polled: a batch PostgreSQL refuses is polled and decided
 * again, poison record and all, until it commits; and a partition parked at a waiting child polls what follows it
 * again until the child is decided.
 */
class DeadLetterOnceTest {
    private final Api api = TestServer.api();

    @Test
    void aPoisonRecordInABatchWhoseTransactionFailsAndIsRetriedIsDeadLetteredOnce() throws Exception {
        Api.Device device = api.newDevice();
        Map<String, Object> kafka = TestServer.server().infrastructure().kafka().clientProperties();
        String name = "refuse_" + device.accountId().replace("-", "");
        UUID changeId = UUID.randomUUID();
        try (Connection admin = connect(TestServer.server().infrastructure().database())) {
            refuseApplyTransactions(admin, name, device.accountId());
            try {
                CompletableFuture<Api.Response> push = CompletableFuture.supplyAsync(() -> api.push(device,
                        Api.change(changeId, "books", "upsert", UUID.randomUUID(), 0, book("b"))));
                await("the change's transaction refused").atMost(Duration.ofSeconds(60))
                        .until(() -> refusals(admin, name) >= 1);
                // After the change on its partition, so that every retry of the refused batch polls it too.
                String marker = DeadLetters.producePoison(kafka, device.accountId());
                long refusedBefore = refusals(admin, name);
                await("two more attempts, each with the poison record").atMost(Duration.ofSeconds(60))
                        .until(() -> refusals(admin, name) >= refusedBefore + 2);
                allow(admin, name);

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Api.Response lookup = api.get("/api/sync/changes/" + changeId, device.token());
                    assertThat(lookup.status()).as(lookup.text()).isEqualTo(200);
                    assertThat(lookup.body().get("status").stringValue()).isEqualTo("applied");
                });
                DeadLetters.awaitLetter(kafka, marker, Duration.ofSeconds(30));
                assertThat(lettersHolding(kafka, marker)).as("dead letters of the poison record").isEqualTo(1);
                push.join();
            } finally {
                allow(admin, name);
            }
        }
    }

    @Test
    void aPoisonRecordBehindAChildThatWaitsIsDeadLetteredOnceWhenTheChildIsDecided() {
        Api.Device device = api.newDevice();
        Map<String, Object> kafka = TestServer.server().infrastructure().kafka().clientProperties();
        UUID account = UUID.fromString(device.accountId());
        UUID bookId = UUID.randomUUID();
        UUID childId = UUID.randomUUID();
        assertApplied(api.push(device, Api.change(UUID.randomUUID(), "books", "upsert", bookId, 0, book("parent"))));
        // The child follows the next change of the account's books partition: its own partition parks until then, and
        // every retry polls the child and the poison record behind it again. (Its parent exists already, so replaying
        // the topics, where it comes before that change, decides it as the applier did.)
        ChangeEvent child = new ChangeEvent(childId, account, UUID.fromString(device.deviceId()), SyncTable.EVENTS,
                ChangeOp.UPSERT, UUID.randomUUID(), 0, normalized(Api.event(bookId, "waits")), Instant.now())
                .withAfter(Map.of(SyncTable.BOOKS, nextOffsetOfBooks(kafka, device.accountId())));
        DeadLetters.produce(kafka, SyncTable.EVENTS.topic(), device.accountId(), ChangeEventCodec.encode(child));
        String marker = "poison-" + UUID.randomUUID();
        DeadLetters.produce(kafka, SyncTable.EVENTS.topic(), device.accountId(),
                ("{\"not\":\"an event\",\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8));

        await("no letter while the child waits").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500)).until(() -> lettersHolding(kafka, marker) == 0);
        Api.Response waiting = api.get("/api/sync/changes/" + childId, device.token());
        assertThat(waiting.body().get("status").stringValue()).as("the child still waits: " + waiting.text())
                .isEqualTo("pending");
        assertApplied(api.push(device, Api.change(UUID.randomUUID(), "books", "upsert", UUID.randomUUID(), 0,
                book("the change the child follows"))));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Api.Response lookup = api.get("/api/sync/changes/" + childId, device.token());
            assertThat(lookup.status()).as(lookup.text()).isEqualTo(200);
            assertThat(lookup.body().get("status").stringValue()).as(lookup.text()).isEqualTo("applied");
        });
        DeadLetters.awaitLetter(kafka, marker, Duration.ofSeconds(30));
        assertThat(lettersHolding(kafka, marker)).as("dead letters of the poison record").isEqualTo(1);
    }

    private static void assertApplied(Api.Response push) {
        assertThat(push.body().get("results").get(0).get("status").stringValue()).as(push.text()).isEqualTo("applied");
    }

    /** The event's data as the gateway would put it on the topic, so that replaying the topics rebuilds it whole. */
    private static String normalized(ObjectNode event) {
        return RecordRules.normalize(SyncTable.EVENTS, event, "data", (path, message) -> {
            throw new AssertionError(path + ": " + message);
        }).toString();
    }

    /** The offset the next record of this account's partition of the books topic will take. */
    private static long nextOffsetOfBooks(Map<String, Object> kafka, String accountId) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(SyncTable.BOOKS.topic()).size();
            TopicPartition tp = new TopicPartition(SyncTable.BOOKS.topic(),
                    BuiltInPartitioner.partitionForKey(accountId.getBytes(StandardCharsets.UTF_8), partitions));
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    private static Connection connect(EmbeddedDatabase database) throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }

    /**
     * Every apply transaction of the account fails where it stores the account's change sequence, as a transient
     * failure (the applier retries it); a sequence, which no rollback undoes, counts the attempts.
     */
    private static void refuseApplyTransactions(Connection admin, String name, String accountId) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE SEQUENCE " + name);
            statement.execute("CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " PERFORM nextval('" + name + "');"
                    + " RAISE EXCEPTION 'refused by DeadLetterOnceTest' USING ERRCODE = 'serialization_failure'; END $$");
            statement.execute("CREATE TRIGGER " + name + " BEFORE UPDATE ON accounts FOR EACH ROW"
                    + " WHEN (OLD.id = '" + UUID.fromString(accountId) + "') EXECUTE FUNCTION " + name + "()");
        }
    }

    private static long refusals(Connection admin, String name) throws SQLException {
        try (Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery("SELECT last_value, is_called FROM " + name)) {
            rs.next();
            return rs.getBoolean("is_called") ? rs.getLong("last_value") : 0;
        }
    }

    private static void allow(Connection admin, String name) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("DROP TRIGGER IF EXISTS " + name + " ON accounts");
            statement.execute("DROP FUNCTION IF EXISTS " + name + "()");
            statement.execute("DROP SEQUENCE IF EXISTS " + name);
        }
    }

    /** Reads the dead-letter topic to its end and counts the letters whose value holds the marker. */
    private static long lettersHolding(Map<String, Object> kafka, String marker) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTER).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> letter : consumer.poll(Duration.ofMillis(500))) {
                    if (new String(letter.value(), StandardCharsets.UTF_8).contains(marker)) {
                        count++;
                    }
                }
            }
            return count;
        }
    }
}

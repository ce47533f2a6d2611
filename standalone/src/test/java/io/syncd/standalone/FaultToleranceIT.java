package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import io.syncd.common.SyncTable;
import io.syncd.common.Topics;
import io.syncd.standalone.embedded.EmbeddedDatabase;
import io.syncd.standalone.embedded.EmbeddedKafka;
import io.syncd.standalone.embedded.EmbeddedServerProcess;
import io.syncd.standalone.embedded.JoinSettings;

/**
 * Guarantees 1, 2 and 8 in the shape users deploy: a gateway process and applier processes of the packaged jar,
 * joined by address to one Kafka and one PostgreSQL. Those two run in this JVM (durable, fixed ports, persistent
 * folders) so that a test can stop and start them. Devices push continuously while a fault happens; afterwards every
 * change the gateway acknowledged must be decided exactly once ({@link LoadAudit}). The processes are shared by the
 * tests, each with accounts of its own.
 */
class FaultToleranceIT {
    /** Small heaps and no C2 compiler: five JVMs share two cores, and these tests count, they do not time. */
    private static final List<String> JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final int DEVICES = 4;
    private static final Duration PROGRESS_LIMIT = Duration.ofSeconds(60);
    /** Four JVMs start side by side on two cores, next to other builds: a start took over 90 s on a loaded machine. */
    private static final Duration START_LIMIT = Duration.ofMinutes(4);
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(90);

    /** Kept when a test fails: the processes' logs are beside their data folders. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path root;
    private static int postgresPort;
    private static int kafkaPort;
    private static EmbeddedDatabase database;
    private static EmbeddedKafka kafka;
    private static ServerProcess gateway;
    private static final List<ServerProcess> appliers = new ArrayList<>();

    @BeforeAll
    static void startInfrastructureGatewayAndThreeAppliers() throws Exception {
        EmbeddedServerProcess.quietLogs();
        postgresPort = ServerProcess.freePort();
        kafkaPort = ServerProcess.freePort();
        CompletableFuture<EmbeddedDatabase> startingDatabase =
                CompletableFuture.supplyAsync(() -> EmbeddedDatabase.start(root.resolve("postgres"), postgresPort));
        kafka = EmbeddedKafka.start(root.resolve("kafka"), kafkaPort);
        database = startingDatabase.join();
        JoinSettings.write(root.resolve(JoinSettings.FILE), JoinSettings.of(database, kafka));
        // A short decision wait keeps devices pushing while partitions stall; the send timeout bounds a 503.
        gateway = ServerProcess.start("gateway", root.resolve("gateway"), JVM, joined("--sync.roles=gateway",
                "--sync.gateway.decision-wait=2s", "--sync.gateway.send-timeout=5s",
                "--logging.level.io.syncd.gateway.requests=WARN"));
        for (int i = 0; i < 3; i++) {
            startApplier();
        }
        gateway.awaitHealthy(START_LIMIT);
        appliers.forEach(applier -> applier.awaitHealthy(START_LIMIT));
        awaitGroupOfLiveAppliers();
    }

    @AfterAll
    static void stopEverything() {
        List<AutoCloseable> all = new ArrayList<>(appliers);
        all.add(gateway);
        all.add(kafka);
        all.add(database);
        for (AutoCloseable closeable : all) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("stopping " + closeable + " failed: " + e);
            }
        }
    }

    @Test
    void appliersKilledStartedAndStoppedUnderLoadDecideEveryAcknowledgedChangeExactlyOnce() throws Exception {
        while (live().size() < 3) {
            startApplier().awaitHealthy(START_LIMIT);
        }
        awaitGroupOfLiveAppliers();
        try (PushLoad load = new PushLoad(gateway.api(), DEVICES).start()) {
            load.awaitProgress(200, PROGRESS_LIMIT);
            live().get(0).kill();
            load.awaitProgress(200, PROGRESS_LIMIT);
            startApplier().awaitHealthy(START_LIMIT);
            load.awaitProgress(200, PROGRESS_LIMIT);
            long stopMillis = live().get(0).stop();
            load.awaitProgress(200, PROGRESS_LIMIT);
            load.stop();

            assertThat(load.unexpectedAnswers()).isEmpty();
            assertThat(stopMillis).as("an applier stops within 30 s of SIGTERM").isLessThan(30_000);
            LoadAudit.awaitDecided(LoadAudit.Postgres.of(database), load, RECOVERY_LIMIT);
            LoadAudit audit = LoadAudit.of(LoadAudit.Postgres.of(database), load).assertExactlyOnce();
            // Each push carries the parent of its child, and the gateway never failed a send: none may miss its parent.
            assertThat(audit.rejected()).as("rejected changes").isZero();
            awaitGroupOfLiveAppliers();
            System.out.println(audit.line("applier-kill") + " (" + load.summary() + "; 3 appliers, one killed with -9,"
                    + " one started, one stopped with SIGTERM in " + stopMillis + " ms)");
        }
    }

    @Test
    void postgresStoppedForTwentySecondsUnderLoadLosesNothingAndHealthGoes503Then200() throws Exception {
        try (PushLoad load = new PushLoad(gateway.api(), DEVICES).start()) {
            load.awaitProgress(100, PROGRESS_LIMIT);
            database.close();
            Instant down = Instant.now();
            int acknowledgedBefore = load.acknowledged().size();
            await("gateway health 503 naming postgres").atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                Api.Response health = gateway.api().get("/health", null);
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.body().get("components").get("postgres").get("status").stringValue()).isEqualTo("DOWN");
            });
            // Devices that synced recently go on pushing into Kafka; the outage lasts 20 s.
            await("20 s of outage with pushes accepted").atMost(Duration.ofSeconds(60))
                    .until(() -> Duration.between(down, Instant.now()).toSeconds() >= 20
                            && load.acknowledged().size() > acknowledgedBefore);
            int acceptedWhileDown = load.acknowledged().size() - acknowledgedBefore;
            database = EmbeddedDatabase.start(root.resolve("postgres"), postgresPort);
            long downMillis = Duration.between(down, Instant.now()).toMillis();
            awaitAllHealthy();
            load.awaitProgress(100, PROGRESS_LIMIT);
            load.stop();

            assertThat(load.unexpectedAnswers()).isEmpty();
            LoadAudit.awaitDecided(LoadAudit.Postgres.of(database), load, RECOVERY_LIMIT);
            LoadAudit audit = LoadAudit.of(LoadAudit.Postgres.of(database), load).assertExactlyOnce();
            assertThat(audit.rejected()).as("rejected changes").isZero();
            System.out.println(audit.line("postgres-outage") + " (" + load.summary() + "; PostgreSQL down " + downMillis
                    + " ms, " + acceptedWhileDown + " changes acknowledged meanwhile; health 503, then 200)");
        }
    }

    @Test
    void kafkaRestartedUnderLoadAnswers503OrSuccessAndLosesNothing() throws Exception {
        try (PushLoad load = new PushLoad(gateway.api(), DEVICES).start()) {
            load.awaitProgress(100, PROGRESS_LIMIT);
            long unavailableBefore = load.pushesAnswered("503");
            kafka.close();
            Instant down = Instant.now();
            await("a push answered 503 while the broker is down").atMost(PROGRESS_LIMIT)
                    .until(() -> load.pushesAnswered("503") > unavailableBefore);
            kafka = EmbeddedKafka.start(root.resolve("kafka"), kafkaPort);
            long downMillis = Duration.between(down, Instant.now()).toMillis();
            awaitAllHealthy();
            load.awaitProgress(100, PROGRESS_LIMIT);
            load.stop();

            assertThat(load.unexpectedAnswers()).as("answers other than 200 and 503").isEmpty();
            assertThat(load.pushesAnswered("io-error")).as("pushes without an answer").isZero();
            LoadAudit.awaitDecided(LoadAudit.Postgres.of(database), load, RECOVERY_LIMIT);
            LoadAudit audit = LoadAudit.of(LoadAudit.Postgres.of(database), load).assertExactlyOnce();
            System.out.println(audit.line("kafka-restart") + " (" + load.summary() + "; broker down " + downMillis + " ms)");
        }
    }

    /**
     * Decisions reach the streams of every gateway: a push through the first gateway process, decided by one of the
     * applier processes, is announced on a stream held by a second gateway process, and on no other account's.
     */
    @Test
    void aChangePushedThroughOneGatewayIsAnnouncedOnAStreamHeldByAnotherGatewayProcess() throws Exception {
        ServerProcess second = ServerProcess.start("gateway-2", root.resolve("gateway-2"), JVM,
                joined("--sync.roles=gateway", "--logging.level.io.syncd.gateway.requests=WARN"));
        try (second) {
            second.awaitHealthy(START_LIMIT);
            Api.Device listening = gateway.api().newDevice();
            Api.Device pushing = gateway.api().sibling(listening);
            Api.Device stranger = gateway.api().newDevice();
            try (EventStream stream = EventStream.open(second.api(), listening);
                 EventStream strangers = EventStream.open(second.api(), stranger)) {
                assertThat(stream.next(Duration.ofSeconds(30)).name()).as("the first event, at once").isEqualTo("changed");
                assertThat(strangers.next(Duration.ofSeconds(30)).name()).isEqualTo("changed");

                UUID changeId = UUID.randomUUID();
                gateway.api().push(pushing, Api.change(changeId, "books", "upsert", UUID.randomUUID(), 0, Api.book("b")));
                EventStream.Event announced = stream.next(RECOVERY_LIMIT);

                assertThat(announced.name()).isEqualTo("changed");
                assertThat(announced.data()).isEqualTo("{\"tables\":[\"books\"]}");
                assertThat(gateway.api().get("/api/sync/changes/" + changeId, pushing.token()).body().get("status")
                        .stringValue()).isEqualTo("applied");
                assertThat(strangers.pending()).as("another account's stream heard nothing").isZero();
            }
        }
    }

    @Test
    void aPoisonRecordIsDeadLetteredByAnApplierProcessAndItsPartitionKeepsFlowing() throws Exception {
        try (PushLoad load = new PushLoad(gateway.api(), 2).start()) {
            load.awaitProgress(50, PROGRESS_LIMIT);
            String account = load.accountIds().get(0);
            String marker = DeadLetters.producePoison(kafka.clientProperties(), account);
            load.awaitProgress(100, PROGRESS_LIMIT);
            load.stop();

            ConsumerRecord<byte[], byte[]> letter = DeadLetters.awaitLetter(kafka.clientProperties(), marker,
                    Duration.ofSeconds(30));
            assertThat(DeadLetters.header(letter, Topics.DLT_REASON_HEADER)).isEqualTo("unknown field not");
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo(account);
            // The account's changes pushed after the poison, on its partition, are decided like all others.
            LoadAudit.awaitDecided(LoadAudit.Postgres.of(database), load, RECOVERY_LIMIT);
            LoadAudit audit = LoadAudit.of(LoadAudit.Postgres.of(database), load).assertExactlyOnce();
            System.out.println(audit.line("poison-record") + " (" + load.summary() + "; dead-lettered from "
                    + DeadLetters.header(letter, Topics.DLT_SOURCE_HEADER) + ": "
                    + DeadLetters.header(letter, Topics.DLT_REASON_HEADER) + ")");
        }
    }

    private static ServerProcess startApplier() {
        ServerProcess applier = ServerProcess.start("applier-" + (appliers.size() + 1),
                root.resolve("applier-" + (appliers.size() + 1)), JVM, joined("--sync.roles=applier",
                        "--sync.applier.max-retry-backoff=1s"));
        appliers.add(applier);
        return applier;
    }

    private static List<ServerProcess> live() {
        return appliers.stream().filter(ServerProcess::isAlive).toList();
    }

    /**
     * Arguments that join a process to this JVM's Kafka and PostgreSQL, then {@code args}: their addresses and secrets
     * are in a file, as an embedded server writes it, so none is on a command line.
     */
    private static String[] joined(String... args) {
        List<String> all = new ArrayList<>(List.of("--spring.config.import=file:" + root.resolve(JoinSettings.FILE),
                "--sync.admin-token=faults"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static void awaitAllHealthy() {
        gateway.awaitHealthy(START_LIMIT);
        live().forEach(applier -> applier.awaitHealthy(START_LIMIT));
    }

    /** Every live applier is a member of the group and has partitions, and together they have them all. */
    private static void awaitGroupOfLiveAppliers() throws Exception {
        Set<TopicPartition> all = new HashSet<>();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            for (String topic : SyncTable.topics()) {
                int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topic).partitions().size();
                for (int p = 0; p < partitions; p++) {
                    all.add(new TopicPartition(topic, p));
                }
            }
            await("the applier group made of the live appliers").atMost(RECOVERY_LIMIT).untilAsserted(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(Topics.APPLIER_GROUP)).all()
                        .get(30, TimeUnit.SECONDS).get(Topics.APPLIER_GROUP);
                assertThat(group.members()).hasSize(live().size());
                Set<TopicPartition> assigned = new HashSet<>();
                for (MemberDescription member : group.members()) {
                    assertThat(member.assignment().topicPartitions()).as("partitions of " + member.clientId()).isNotEmpty();
                    assigned.addAll(member.assignment().topicPartitions());
                }
                assertThat(assigned).isEqualTo(all);
            });
        }
    }
}

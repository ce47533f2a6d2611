package io.syncd.standalone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

import io.syncd.common.SyncTable;
import io.syncd.common.Topics;

/** Creates the change topics, the dead-letter topic and the traffic topic when missing, before any role starts. */
class TopicsInitializer implements InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(TopicsInitializer.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Record timestamps set by the broker when it appends them, so that they grow within a partition. */
    private static final String APPEND_TIME = "LogAppendTime";

    private final KafkaProperties kafka;
    private final StandaloneProperties properties;

    TopicsInitializer(KafkaProperties kafka, StandaloneProperties properties) {
        this.kafka = kafka;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() throws InterruptedException {
        StandaloneProperties.Topics t = properties.topics();
        Map<String, String> configs = Map.of(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(t.minInsyncReplicas()),
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(t.retentionMs()),
                // A record carries up to 1 MiB of data plus its envelope.
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, APPEND_TIME);
        List<NewTopic> wanted = new ArrayList<>();
        for (String topic : SyncTable.topics()) {
            wanted.add(new NewTopic(topic, t.partitions(), t.replicationFactor()).configs(configs));
        }
        wanted.add(new NewTopic(Topics.DEAD_LETTER, 1, t.replicationFactor()).configs(configs));
        // Traffic events only feed the statistics, which the projector folds in within seconds: the broker's default
        // retention (7 days) covers any projector outage worth surviving.
        wanted.add(new NewTopic(Topics.TRAFFIC, t.partitions(), t.replicationFactor()).configs(Map.of(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(t.minInsyncReplicas()))));
        try (Admin admin = Admin.create(kafka.buildAdminProperties())) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(n -> !existing.contains(n.name())).toList();
            if (!missing.isEmpty()) {
                create(admin, missing, t);
            }
            stampAppendTime(admin, existing);
            awaitLeaders(admin, wanted.stream().map(NewTopic::name).toList());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the change topics on Kafka at "
                    + kafka.getBootstrapServers() + "; is spring.kafka.bootstrap-servers right?", e);
        }
    }

    /**
     * Change topics made before their records carried the broker's append time get it for their new records: verify
     * from Kafka merges the partitions in append order (see ChangeTopicsReader#MERGE_ORDER).
     */
    private static void stampAppendTime(Admin admin, Set<String> existing)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<ConfigResource> topics = SyncTable.topics().stream().filter(existing::contains)
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        if (topics.isEmpty()) {
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        admin.describeConfigs(topics).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).forEach((topic, config) -> {
            ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (type == null || !APPEND_TIME.equals(type.value())) {
                changes.put(topic, List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, APPEND_TIME), AlterConfigOp.OpType.SET)));
            }
        });
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            log.info("Set {}={} on {}", TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, APPEND_TIME,
                    changes.keySet().stream().map(ConfigResource::name).toList());
        }
    }

    private static void create(Admin admin, List<NewTopic> missing, StandaloneProperties.Topics t)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(missing).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            log.info("Created topics {} ({} partitions, replication {})",
                    missing.stream().map(NewTopic::name).toList(), t.partitions(), t.replicationFactor());
        } catch (ExecutionException e) {
            // Processes starting together race to create the same topics: whoever loses finds them made.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Returns once every partition's leader answers for it. A topic is listed as soon as the controller created it, but
     * its leader may take a moment to take the partition on: an idempotent producer's first request that meets that
     * moment can be overtaken by its second and then be refused until it expires (KAFKA-15591), failing a push with
     * 503. Asking each leader for its end offset, which the admin client retries until the leader answers, closes it.
     */
    private static void awaitLeaders(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                for (TopicDescription topic : admin.describeTopics(topics).allTopicNames()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).values()) {
                    topic.partitions().forEach(p ->
                            partitions.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
                }
                admin.listOffsets(partitions).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                // A topic just created may not be known yet to the broker that answers.
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }
}

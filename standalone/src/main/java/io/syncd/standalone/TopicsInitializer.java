package io.syncd.standalone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024));
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
                admin.createTopics(missing).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                log.info("Created topics {} ({} partitions, replication {})",
                        missing.stream().map(NewTopic::name).toList(), t.partitions(), t.replicationFactor());
            }
        } catch (ExecutionException e) {
            // Processes starting together race to create the same topics: whoever loses finds them made.
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("Cannot create the change topics on Kafka at "
                        + kafka.getBootstrapServers() + "; is spring.kafka.bootstrap-servers right?", e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot create the change topics on Kafka at "
                    + kafka.getBootstrapServers() + "; is spring.kafka.bootstrap-servers right?", e);
        }
    }
}

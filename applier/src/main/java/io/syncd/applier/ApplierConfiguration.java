package io.syncd.applier;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncd.common.Topics;

/** The applier role: its consumers and their Kafka configuration, in one place. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApplierProperties.class)
public class ApplierConfiguration {

    @Bean
    ApplierRole applierRole(KafkaProperties kafka, ApplierProperties properties, DataSource dataSource,
                            MeterRegistry registry) {
        ApplierMetrics metrics = new ApplierMetrics(registry);
        BatchApplier applier = new BatchApplier(dataSource, Clock.systemUTC(), properties.parallelism());
        KafkaProducer<byte[], byte[]> deadLetters = new KafkaProducer<>(deadLetterConfig(kafka),
                new ByteArraySerializer(), new ByteArraySerializer());
        List<ChangeConsumer> consumers = new ArrayList<>();
        String instance = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < properties.consumers(); i++) {
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka, properties, instance + "-" + i),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumers.add(new ChangeConsumer(consumer, deadLetters, applier, properties, metrics));
        }
        return new ApplierRole(consumers, deadLetters, applier);
    }

    static Map<String, Object> consumerConfig(KafkaProperties kafka, ApplierProperties properties, String instance) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.APPLIER_GROUP);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "syncd-applier-" + instance);
        // Offsets are committed by hand, after PostgreSQL commits (guarantee 1).
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A group without offsets must start at the beginning: every acknowledged change is decided.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxPollRecords());
        // A partition resumed after its waiting child's parent was decided is fetched only once the fetch in flight
        // returns, and with no new data that fetch waits fetch.max.wait.ms at the broker: 500 ms by default, seen as
        // half-second outliers of push → decided. Idle, 20 ms costs some 50 small fetch requests a second.
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        // Appliers join and leave under load without stopping the others (guarantee 8).
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // A killed applier holds its partitions until its session expires: 10 s instead of 45 s of stalled decisions.
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        return config;
    }

    static Map<String, Object> deadLetterConfig(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "syncd-applier-dlt-" + UUID.randomUUID().toString().substring(0, 8));
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        return config;
    }
}

package io.syncd.standalone;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Import;

import io.syncd.gateway.errors.ErrorsConfiguration;

/**
 * The sync server: one jar for every role. Starts an embedded Kafka and PostgreSQL when no external ones are
 * configured (see {@link EmbeddedInfrastructure}), then the roles named by {@code sync.roles}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableConfigurationProperties({StandaloneProperties.class, KafkaProperties.class})
@Import({Roles.class, TopicsInitializer.class, HealthController.class, RootController.class, ErrorsConfiguration.class})
public class SyncApplication {

    public static void main(String[] args) {
        SyncServer server = SyncServer.start(args);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "syncd-shutdown"));
    }
}

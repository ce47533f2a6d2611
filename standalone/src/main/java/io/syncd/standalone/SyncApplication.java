package io.syncd.standalone;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Import;

import io.syncd.edge.AccessProperties;
import io.syncd.edge.errors.ErrorsConfiguration;
import io.syncd.standalone.metrics.MetricsProperties;

/**
 * The sync server: one jar for every role. Starts an embedded Kafka and PostgreSQL when no external ones are
 * configured (see {@link EmbeddedInfrastructure}), then the roles named by {@code sync.roles}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
// AccessProperties for every role: each process guards /metrics with the admin token.
@EnableConfigurationProperties({StandaloneProperties.class, KafkaProperties.class, MetricsProperties.class,
        AccessProperties.class})
@Import({Roles.class, TopicsInitializer.class, HealthController.class, RootController.class, ErrorsConfiguration.class})
public class SyncApplication {

    /**
     * Exits 0 after {@code --help} or {@code --version}, 2 on an unknown {@code --sync.*} setting, and 1 when the
     * start fails (after stopping whatever it started); a running server stops on SIGTERM.
     */
    public static void main(String[] args) {
        CommandLine.Request request = CommandLine.request(args);
        if (request != CommandLine.Request.RUN) {
            System.out.print(request == CommandLine.Request.HELP ? CommandLine.usage() : CommandLine.version());
            System.out.flush();
            System.exit(0);
        }
        try {
            CommandLine.checkSyncSettings(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        SyncServer server;
        try {
            server = SyncServer.start(args);
        } catch (RuntimeException e) {
            // Spring Boot logged it with its causes; this line is for whoever only reads the end.
            System.err.println("syncd did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "syncd-shutdown"));
    }
}

package io.syncd.projector.console;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.projector.ProjectorConfiguration;

/**
 * {@code GET /api/admin/overview}: health by component as this process sees it (PostgreSQL, Kafka, and the applier
 * group, wherever its processes run), the server's version and how long this process has run.
 */
@RestController
class OverviewController {
    private static final String VERSION = version();

    private final DataSource dataSource;
    private final ConsoleKafka kafka;

    OverviewController(DataSource dataSource, ConsoleKafka kafka) {
        this.dataSource = dataSource;
        this.kafka = kafka;
    }

    /** A component's state; {@code detail} says why it is down, or how many appliers consume. */
    record Component(String status, String detail) {
        static Component up(String detail) {
            return new Component("UP", detail);
        }

        static Component down(String detail) {
            return new Component("DOWN", detail);
        }
    }

    record Overview(String status, String version, Instant startedAt, long uptimeSeconds,
                    Map<String, Component> components) {
    }

    private static String version() {
        String version = ProjectorConfiguration.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    @GetMapping("/api/admin/overview")
    Overview overview() {
        Map<String, Component> components = new LinkedHashMap<>();
        components.put("postgres", postgres());
        Component broker = broker();
        components.put("kafka", broker);
        components.put("applier", broker.status().equals("UP") ? applier() : Component.down("Kafka is unreachable"));
        boolean up = components.values().stream().allMatch(c -> c.status().equals("UP"));
        long started = ManagementFactory.getRuntimeMXBean().getStartTime();
        return new Overview(up ? "UP" : "DOWN", VERSION, Instant.ofEpochMilli(started),
                (System.currentTimeMillis() - started) / 1000, components);
    }

    private Component postgres() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2) ? Component.up(null) : Component.down("the connection is not valid");
        } catch (Exception e) {
            return Component.down("unreachable");
        }
    }

    private Component broker() {
        try {
            kafka.checkBroker();
            return Component.up(null);
        } catch (Exception e) {
            return Component.down("unreachable");
        }
    }

    private Component applier() {
        try {
            int members = kafka.applierMembers();
            return members == 0 ? Component.down("no applier consumes the change topics: pushes wait as pending")
                    : Component.up(members + (members == 1 ? " consumer" : " consumers"));
        } catch (Exception e) {
            return Component.down("its consumer group cannot be read");
        }
    }
}

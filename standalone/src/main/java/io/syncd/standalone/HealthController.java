package io.syncd.standalone;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.applier.ApplierRole;

/**
 * {@code GET /health}: 200 UP only when PostgreSQL and Kafka answer and this process's applier (if it runs one) is
 * consuming; otherwise 503 naming the failing component. Every role has it, so orchestrators can probe any process.
 * An embedded server's fatal fault makes it 503 at once, while the process stops ({@link FatalFaults}).
 */
@RestController
class HealthController implements DisposableBean {
    private final DataSource dataSource;
    private final Admin admin;
    private final ObjectProvider<ApplierRole> applier;
    private final ObjectProvider<FatalFaults> faults;

    HealthController(DataSource dataSource, KafkaProperties kafka, ObjectProvider<ApplierRole> applier,
                     ObjectProvider<FatalFaults> faults) {
        this.dataSource = dataSource;
        this.admin = Admin.create(kafka.buildAdminProperties());
        this.applier = applier;
        this.faults = faults;
    }

    @GetMapping("/health")
    ResponseEntity<Map<String, Object>> health() {
        Map<String, Object> components = new LinkedHashMap<>();
        Optional<FatalFaults.Fault> fatal = Optional.ofNullable(faults.getIfAvailable()).flatMap(FatalFaults::fault);
        for (String component : List.of("postgres", "kafka")) {
            // The reason stays in the log: this answer is public.
            components.put(component, fatal.filter(f -> f.component().equals(component)).isPresent()
                    ? down("fatal fault; the process is stopping")
                    : check(component.equals("postgres") ? this::checkPostgres : this::checkKafka));
        }
        ApplierRole role = applier.getIfAvailable();
        if (role != null) {
            String problem = role.problem();
            components.put("applier", problem == null ? Map.of("status", "UP") : down(problem));
        }
        boolean up = components.values().stream().allMatch(c -> "UP".equals(((Map<?, ?>) c).get("status")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("components", components);
        return ResponseEntity.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    private interface Check {
        void run() throws Exception;
    }

    private static Map<String, Object> check(Check check) {
        try {
            check.run();
            return Map.of("status", "UP");
        } catch (Exception e) {
            return down("unreachable");
        }
    }

    private static Map<String, Object> down(String reason) {
        return Map.of("status", "DOWN", "reason", reason);
    }

    private void checkPostgres() throws Exception {
        try (Connection conn = dataSource.getConnection()) {
            if (!conn.isValid(2)) {
                throw new IllegalStateException("not valid");
            }
        }
    }

    private void checkKafka() throws Exception {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(3, TimeUnit.SECONDS);
    }

    @Override
    public void destroy() {
        admin.close();
    }
}

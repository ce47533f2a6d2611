package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /metrics}: Prometheus text for the admin token, and nothing else of the actuator reachable. The
 * counts are checked as differences before and after this test's own traffic (test classes run one at a time).
 */
class MetricsTest {
    private final Api api = TestServer.api();

    @Test
    void onlyThePrometheusEndpointOfTheActuatorIsReachable() {
        PrometheusScrape scrape = PrometheusScrape.of(api);

        assertThat(scrape.has("jvm_memory_used_bytes")).isTrue();
        assertThat(scrape.has("syncd_push_seconds_count")).isTrue();
        for (String path : new String[] {"/actuator", "/actuator/env", "/actuator/health", "/actuator/prometheus",
                "/env", "/prometheus", "/heapdump", "/beans", "/metrics/jvm.memory.used"}) {
            Api.Response response = api.get(path, null);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.code()).as(path).isEqualTo("not_found");
        }
        assertThat(api.get("/health", null).body().has("components")).as("our /health, not the actuator's").isTrue();
    }

    @Test
    void metricsTakeTheAdminTokenByDefault() {
        for (String token : new String[] {null, "not-the-admin-token"}) {
            Api.Response response = api.get("/metrics", token);
            assertThat(response.status()).as(response.text()).isEqualTo(401);
            assertThat(response.code()).isEqualTo("unauthorized");
            assertThat(response.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(response.text()).doesNotContain("jvm_");
        }
        Api.Device device = api.newDevice();
        assertThat(api.get("/metrics", device.token()).status()).as("a device token is no admin token").isEqualTo(401);
    }

    @Test
    void decisionsAreCountedByTableStatusAndCodeOnceDecided() {
        Api.Device device = api.newDevice();
        UUID[] books = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        PrometheusScrape before = PrometheusScrape.of(api);

        assertStatuses(api.push(device, upsert("books", books[0], 0, book("a")), upsert("books", books[1], 0, book("b")),
                upsert("books", books[2], 0, book("c"))), "applied", "applied", "applied");
        assertStatuses(api.push(device, upsert("books", books[0], 0, book("stale a")),
                upsert("books", books[1], 0, book("stale b"))), "conflict", "conflict");
        assertStatuses(api.push(device, Api.delete("books", UUID.randomUUID(), 1)), "rejected");
        assertStatuses(api.push(device, upsert("events", UUID.randomUUID(), 0, event(UUID.randomUUID(), "orphan"))),
                "rejected");
        api.pullAll(device, null);
        assertThat(api.post("/api/sync/pull", "not-a-token", "{}").status()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusScrape after = PrometheusScrape.of(api);
            assertThat(delta(before, after, "syncd_decisions_total", "table", "books", "status", "applied", "code", "none"))
                    .isEqualTo(3);
            assertThat(delta(before, after, "syncd_decisions_total", "table", "books", "status", "conflict", "code", "none"))
                    .isEqualTo(2);
            assertThat(delta(before, after, "syncd_decisions_total", "table", "books", "status", "rejected",
                    "code", "not_found")).isEqualTo(1);
            assertThat(delta(before, after, "syncd_decisions_total", "table", "events", "status", "rejected",
                    "code", "missing_parent")).isEqualTo(1);
            assertThat(delta(before, after, "syncd_decisions_total")).as("all decisions").isEqualTo(7);
            assertThat(delta(before, after, "syncd_applier_batch_changes_sum")).as("records in polled batches, a parked"
                    + " child polled again").isGreaterThanOrEqualTo(7);
            assertThat(delta(before, after, "syncd_applier_batch_seconds_count"))
                    .isBetween(1.0, delta(before, after, "syncd_applier_batch_changes_sum"));
            assertThat(delta(before, after, "syncd_applier_batch_seconds_sum")).isPositive();
            assertThat(delta(before, after, "syncd_applier_batch_redecided_total"))
                    .as("the creates of existing books were caught by the primary key, then decided with lookups")
                    .isGreaterThanOrEqualTo(1);

            assertThat(delta(before, after, "syncd_push_seconds_count", "outcome", "decided")).isEqualTo(4);
            assertThat(delta(before, after, "syncd_push_seconds_bucket", "outcome", "decided", "le", "+Inf"))
                    .isEqualTo(4);
            assertThat(delta(before, after, "syncd_push_seconds_count", "outcome", "pending")).isZero();
            assertThat(delta(before, after, "syncd_pull_seconds_count")).isEqualTo(1);
            assertThat(delta(before, after, "syncd_pull_seconds_bucket", "le", "+Inf")).isEqualTo(1);

            assertThat(delta(before, after, "http_server_requests_seconds_count", "uri", "/api/sync/push",
                    "status", "200")).isEqualTo(4);
            assertThat(delta(before, after, "http_server_requests_seconds_count", "uri", "/api/sync/pull",
                    "status", "200")).isEqualTo(1);
            assertThat(delta(before, after, "http_server_requests_seconds_count", "uri", "/api/sync/pull",
                    "status", "401")).isEqualTo(1);
            assertThat(after.samples()).as("no timer of the requests in flight (OPERATING.md)")
                    .noneMatch(sample -> sample.name().startsWith("http_server_requests_active"));
        });
    }

    @Test
    void aDeadLetteredRecordIsCountedByReason() {
        Map<String, Object> config = new HashMap<>(TestServer.server().infrastructure().kafka().clientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        PrometheusScrape before = PrometheusScrape.of(api);

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("sync.changes.notes", UUID.randomUUID().toString(),
                    "not json".getBytes(StandardCharsets.UTF_8)));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusScrape after = PrometheusScrape.of(api);
            assertThat(delta(before, after, "syncd_dead_lettered_total", "reason", "undecodable")).isEqualTo(1);
            assertThat(delta(before, after, "syncd_dead_lettered_total", "reason", "unknown_account")).isZero();
        });
    }

    @Test
    void everyPartitionHasItsLagWhichFallsToZeroOnceDecided() {
        Api.Device device = api.newDevice();
        api.push(device, upsert("books", UUID.randomUUID(), 0, book("lag")));
        int partitions = (int) TestServer.server().context().getBean(StandaloneProperties.class).topics().partitions();
        Set<String> expected = new HashSet<>();
        for (SyncTable table : SyncTable.values()) {
            for (int p = 0; p < partitions; p++) {
                expected.add(table.topic() + "/" + p);
            }
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusScrape scrape = PrometheusScrape.of(api);
            assertThat(scrape.find("syncd_applier_lag").stream()
                    .map(s -> s.labels().get("topic") + "/" + s.labels().get("partition"))
                    .collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(scrape.sum("syncd_applier_lag")).isZero();
        });
    }

    private static void assertStatuses(Api.Response response, String... statuses) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode results = response.body().get("results");
        assertThat(results).extracting(r -> r.get("status").stringValue()).containsExactly(statuses);
    }

    private static double delta(PrometheusScrape before, PrometheusScrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}

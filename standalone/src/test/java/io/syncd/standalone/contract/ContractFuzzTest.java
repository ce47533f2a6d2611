package io.syncd.standalone.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.standalone.Api;
import io.syncd.standalone.TestServer;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server answers every operation as the OpenAPI document says, for valid and broken requests alike
 * ({@link ContractFuzzer}): real HTTP to the real server (embedded Kafka and PostgreSQL). The seed is fixed, so a run
 * repeats the last; {@code -Dcontract.seed=N} runs another (e.g. {@code -Dcontract.seed=$RANDOM} to explore), and
 * every failure names its seed. Bounded by a budget of requests per operation and of time.
 */
class ContractFuzzTest {
    static final long DEFAULT_SEED = 20261207L;
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("contract.seconds", 50));

    private final Api api = TestServer.api();

    @Test
    void everyOperationAnswersAsDocumented() {
        long seed = Long.getLong("contract.seed", DEFAULT_SEED);
        ContractFuzzer fuzzer = new ContractFuzzer(api, OpenApiDocument.load(), seed);

        fuzzer.run(BUDGET);

        System.out.println(fuzzer.summary());
        fuzzer.refusedValid().forEach(r -> System.out.println("schema-valid, refused (a rule no schema holds): " + r));
        // Rounds go over every operation in turn, so even a run its time budget cut short covered each one.
        assertThat(fuzzer.cases()).as("requests sent").isGreaterThanOrEqualTo(2 * OpenApiDocument.load().operations().size());
        assertThat(fuzzer.failures()).as("%s", fuzzer.summary()).isEmpty();
    }

    /** The checker checks: with a document whose enum of decisions lacks {@code applied}, an applied push fails it. */
    @Test
    void aDocumentThatDisagreesWithTheServerFailsTheCheck() {
        ObjectNode broken = (ObjectNode) OpenApiDocument.load().root().deepCopy();
        ArrayNode decisions = (ArrayNode) broken.at("/components/schemas/ChangeResult/properties/status/enum");
        decisions.remove(0);
        assertThat(decisions.toString()).doesNotContain("applied");
        OpenApiDocument document = OpenApiDocument.of(broken.toString());
        ContractFuzzer fuzzer = new ContractFuzzer(api, document, DEFAULT_SEED);
        Api.Device device = api.newDevice();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("changes").add(Api.upsert("books", UUID.randomUUID(), 0, Api.book("checked")));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + device.token());
        headers.put("Content-Type", "application/json");
        ContractFuzzer.Case push = new ContractFuzzer.Case("valid", "POST", "/api/sync/push", headers,
                body.toString().getBytes(StandardCharsets.UTF_8));
        OpenApiDocument.Operation operation = document.operations().stream().filter(o -> o.id().equals("push"))
                .findFirst().orElseThrow();

        Api.Response response = fuzzer.send(push);
        fuzzer.check(operation, operation.statuses(), push, response);

        assertThat(response.status()).isEqualTo(200);
        assertThat(fuzzer.failures()).singleElement().asString().contains("does not match the documented schema")
                .contains("applied");
    }
}

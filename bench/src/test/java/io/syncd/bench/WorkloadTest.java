package io.syncd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.syncd.common.Json;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The load generator's ids are valid UUIDs of the kind chosen, distinct, as a device's would be; an ink device's push
 * carries the same strokes as the JSON device's.
 */
class WorkloadTest {

    @AfterEach
    void backToTheDefault() {
        Workload.useIds(Workload.Ids.TIME_ORDERED);
    }

    @Test
    void idsAreDistinctTimeOrderedUuidsAsTheSdkMakesThem() {
        long before = System.currentTimeMillis();
        Set<UUID> seen = distinctIds(7);
        assertThat(seen).allSatisfy(id -> assertThat(id.getMostSignificantBits() >>> 16)
                .isBetween(before, System.currentTimeMillis()));
    }

    @Test
    void idsAreDistinctRandomUuidsWhenAsked() {
        Workload.useIds(Workload.Ids.RANDOM);
        distinctIds(4);
    }

    private static Set<UUID> distinctIds(int version) {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            UUID id = Workload.id();
            assertThat(id.version()).isEqualTo(version);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(UUID.fromString(id.toString())).isEqualTo(id);
            seen.add(id);
        }
        assertThat(seen).hasSize(100_000);
        return seen;
    }

    @Test
    void anInkPushCarriesTheSameChangesWithStrokesAsInk() throws Exception {
        List<String> changes = new Workload(5).mixedSync(50);

        JsonNode json = Json.MAPPER.readTree(Workload.push(changes));
        JsonNode ink = Json.MAPPER.readTree(Workload.inkPush(changes));

        assertThat(ink.get("strokes_format").stringValue()).isEqualTo("ink");
        assertThat(ink.get("changes")).hasSize(50);
        int strokes = 0;
        for (int i = 0; i < 50; i++) {
            JsonNode sent = json.get("changes").get(i);
            JsonNode inkChange = ink.get("changes").get(i);
            JsonNode data = inkChange.get("data");
            assertThat(data.has("strokes")).as("change %d sends one form only", i).isFalse();
            if (sent.get("data").has("strokes")) {
                strokes++;
                assertThat(InkCodec.decode(InkCodec.fromBase64(data.get("strokes_ink").stringValue())))
                        .isEqualTo(sent.get("data").get("strokes"));
            }
            ((ObjectNode) data).remove("strokes_ink");
            ((ObjectNode) sent.get("data")).remove("strokes");
            assertThat(inkChange).as("change %d apart from its strokes", i).isEqualTo(sent);
        }
        assertThat(strokes).as("25 notes and 5 drawings").isEqualTo(30);
    }
}

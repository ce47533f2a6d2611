package io.syncd.gateway.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.ChangeResult;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.NullNode;

/** The push's answer written as bytes is exactly what the mapper writes, for every kind of result. */
class PushAnswerTest {
    private final Random random = new Random(34);

    @Test
    void anAnswerOfAppliedAndPendingResultsIsTheMappersText() {
        for (int round = 0; round < 500; round++) {
            List<ChangeResult> results = new ArrayList<>();
            int size = random.nextInt(60);
            for (int i = 0; i < size; i++) {
                results.add(plainResult());
            }
            assertSameAsMapper(results);
        }
    }

    @Test
    void anAnswerWithAnyOtherResultIsTheMappersText() {
        for (int round = 0; round < 500; round++) {
            List<ChangeResult> results = new ArrayList<>();
            int size = 1 + random.nextInt(20);
            for (int i = 0; i < size; i++) {
                results.add(random.nextInt(4) == 0 ? otherResult() : plainResult());
            }
            assertSameAsMapper(results);
        }
    }

    @Test
    void stringsThatNeedEscapingAreEscapedAsTheMapperDoes() {
        for (String odd : List.of("quote\"d", "back\\slash", "line\nbreak", "\u0000nul", "caf\u00e9", "\ud83d\ude00",
                "\ud800 unpaired", "\u007f", "\u2028")) {
            assertSameAsMapper(List.of(new ChangeResult(odd, "pending", null, null, null, null, null)));
            assertSameAsMapper(List.of(new ChangeResult(UUID.randomUUID().toString(), "applied", "events", odd, 3L,
                    null, null)));
        }
    }

    @Test
    void theEmptyAnswerIsAnEmptyList() {
        assertThat(new String(PushAnswer.of(List.of()), StandardCharsets.UTF_8)).isEqualTo("{\"results\":[]}");
    }

    private ChangeResult plainResult() {
        String table = SyncTable.values()[random.nextInt(SyncTable.values().length)].wireName();
        return switch (random.nextInt(3)) {
            case 0 -> new ChangeResult(UUID.randomUUID().toString(), "applied", table, UUID.randomUUID().toString(),
                    random.nextBoolean() ? (long) random.nextInt(1000) : random.nextLong(Long.MAX_VALUE), null, null);
            case 1 -> new ChangeResult(UUID.randomUUID().toString(), "pending", table, UUID.randomUUID().toString(),
                    null, null, null);
            default -> new ChangeResult(UUID.randomUUID().toString(), "pending", null, null, null, null, null);
        };
    }

    private ChangeResult otherResult() {
        String change = UUID.randomUUID().toString();
        String record = UUID.randomUUID().toString();
        return switch (random.nextInt(3)) {
            case 0 -> new ChangeResult(change, "conflict", "events", record, null,
                    random.nextBoolean() ? NullNode.getInstance()
                            : Json.MAPPER.createObjectNode().put("title", "x\"y").put("version", 7), null);
            case 1 -> new ChangeResult(change, "rejected", "notes", record, null, null,
                    new ChangeResult.Error("validation_failed", "data.title: too long"));
            default -> new ChangeResult(change, "rejected", "events", record, null, null,
                    ChangeResult.Error.of(SyncTable.EVENTS, ChangeResult.IMMUTABLE_FIELD, "book_id cannot change"));
        };
    }

    private static void assertSameAsMapper(List<ChangeResult> results) {
        byte[] expected = Json.MAPPER.writeValueAsBytes(Map.of("results", results));
        assertThat(PushAnswer.of(results)).as(new String(expected, StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}

package io.syncd.store.decided;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.SyncTable;

/** The decided signal's text form: everything an apply transaction announces reaches the gateway, in payloads that fit. */
class DecidedSignalTest {

    private static Map<UUID, Long> applied(int count) {
        Map<UUID, Long> applied = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            applied.put(UUID.randomUUID(), (long) i + 1);
        }
        return applied;
    }

    @Test
    void signalsSurviveEncodingWithTheirVersionsAndCompleteness() {
        DecidedSignal complete = new DecidedSignal(UUID.randomUUID(), true, applied(3));
        DecidedSignal lookup = new DecidedSignal(UUID.randomUUID(), false, Map.of(UUID.randomUUID(), Long.MAX_VALUE));
        DecidedSignal nothingApplied = new DecidedSignal(UUID.randomUUID(), false, Map.of());

        List<String> payloads = DecidedSignal.encode(List.of(complete, lookup, nothingApplied));

        assertThat(payloads).hasSize(1);
        assertThat(DecidedSignal.decode(payloads.get(0))).containsExactly(complete, lookup, nothingApplied);
    }

    @Test
    void theStreamFieldsSurviveEncoding() {
        DecidedSignal notes = new DecidedSignal(UUID.randomUUID(), true, applied(2), 42,
                EnumSet.of(SyncTable.NOTES, SyncTable.BOOKS), 1_765_000_000_123L);
        DecidedSignal nothingNew = new DecidedSignal(UUID.randomUUID(), false, Map.of(), 7, Set.of(), 5L);

        List<DecidedSignal> decoded = DecidedSignal.decode(DecidedSignal.encode(List.of(notes, nothingNew)).get(0));

        assertThat(decoded).containsExactly(notes, nothingNew);
        assertThat(decoded.get(0).tables()).containsExactly(SyncTable.BOOKS, SyncTable.NOTES);
    }

    @Test
    void aSignalThatDoesNotSayItsTablesCountsForEveryTable() {
        UUID account = UUID.randomUUID();

        DecidedSignal old = DecidedSignal.decode("+" + account).get(0);
        DecidedSignal malformed = DecidedSignal.decode("+" + account + "/x/1/2").get(0);

        assertThat(old.changeSeq()).isEqualTo(DecidedSignal.UNKNOWN);
        assertThat(old.tables()).containsExactlyInAnyOrder(SyncTable.values());
        assertThat(malformed.accountId()).isEqualTo(account);
        assertThat(malformed.tables()).containsExactlyInAnyOrder(SyncTable.values());
    }

    @Test
    void aLargeTransactionIsSplitIntoPayloadsThatFitAndLoseNothing() {
        DecidedSignal big = new DecidedSignal(UUID.randomUUID(), true, applied(1000));
        DecidedSignal small = new DecidedSignal(UUID.randomUUID(), false, applied(2));

        List<String> payloads = DecidedSignal.encode(List.of(big, small));

        assertThat(payloads).hasSizeGreaterThan(4).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(7900));
        Map<UUID, Long> bigApplied = new HashMap<>();
        for (String payload : payloads) {
            for (DecidedSignal signal : DecidedSignal.decode(payload)) {
                if (signal.accountId().equals(big.accountId())) {
                    assertThat(signal.complete()).isTrue();
                    bigApplied.putAll(signal.applied());
                } else {
                    assertThat(signal).isEqualTo(small);
                }
            }
        }
        assertThat(bigApplied).isEqualTo(big.applied());
    }

    @Test
    void thePayloadOfEarlierAppliersReadsAsSignalsToLookUp() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();

        assertThat(DecidedSignal.decode(first + "," + second)).containsExactly(
                new DecidedSignal(first, false, Map.of()), new DecidedSignal(second, false, Map.of()));
    }

    @Test
    void whatIsNotWellFormedIsLeftOutOrLookedUp() {
        UUID account = UUID.randomUUID();
        UUID change = UUID.randomUUID();

        assertThat(DecidedSignal.decode("+" + account + " " + change + ":7 nonsense:x")).containsExactly(
                new DecidedSignal(account, false, Map.of(change, 7L)));
        assertThat(DecidedSignal.decode("+not-an-account " + change + ":7;?")).isEmpty();
        assertThat(DecidedSignal.decode("")).isEmpty();
    }
}

package io.syncd.gateway.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;

/** The reader of a pull page stays a bounded distance ahead, hands over everything in order, and stops when told. */
class RecordHandoffTest {

    private static SyncedRecord record(long position) {
        return new SyncedRecord(SyncTable.BOOKS, UUID.randomUUID(), UUID.randomUUID(), 1, false,
                Json.MAPPER.createObjectNode().put("name", "b" + position), UUID.randomUUID(), Instant.EPOCH,
                Instant.EPOCH, position);
    }

    @Test
    void handsOverEveryRecordInOrderThenTheEnd() {
        RecordHandoff<SyncedRecord> handoff = new RecordHandoff<>(3);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            for (long p = 1; p <= 1000; p++) {
                handoff.put(record(p));
            }
            handoff.end(null);
        });

        List<Long> positions = new ArrayList<>();
        for (SyncedRecord r = handoff.take(); r != null; r = handoff.take()) {
            positions.add(r.position());
        }

        assertThat(positions).hasSize(1000).isSorted().startsWith(1L).endsWith(1000L);
        assertThat(reader).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void theReaderWaitsWhenItIsCapacityAhead() throws Exception {
        RecordHandoff<SyncedRecord> handoff = new RecordHandoff<>(2);
        AtomicInteger handedOver = new AtomicInteger();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            for (long p = 1; p <= 5; p++) {
                handoff.put(record(p));
                handedOver.incrementAndGet();
            }
        });

        assertThatThrownBy(() -> reader.get(300, TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(handedOver).hasValue(2);
        handoff.take();
        handoff.take();
        handoff.take();
        assertThat(reader).succeedsWithin(Duration.ofSeconds(5));
        assertThat(handedOver).hasValue(5);
    }

    @Test
    void theReadersFailureReachesTheWriterAfterTheRecordsBeforeIt() {
        RecordHandoff<SyncedRecord> handoff = new RecordHandoff<>(10);
        DataAccessResourceFailureException failure = new DataAccessResourceFailureException("connection lost");
        handoff.put(record(1));
        handoff.end(failure);

        assertThat(handoff.take().position()).isEqualTo(1);
        assertThatThrownBy(handoff::take).isSameAs(failure);
    }

    @Test
    void aCancelledHandoffStopsAWaitingReader() {
        RecordHandoff<SyncedRecord> handoff = new RecordHandoff<>(1);
        handoff.put(record(1));
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> handoff.put(record(2)));

        handoff.cancel();

        assertThat(reader).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(CancellationException.class);
        // The reader's last word after a cancellation neither blocks nor throws.
        handoff.end(null);
    }
}

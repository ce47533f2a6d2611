package io.syncd.projector.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/admin/write-path}: the write path now. Decisions per second over the last 15 minutes (from
 * {@code sync_log}, so every applier's), push latency, {@code pending} answers, open change streams and held pulls
 * (this process's gateway), the
 * applier group's lag per partition and the dead letters (from Kafka).
 */
@RestController
class WritePathController {
    static final Duration SPAN = Duration.ofMinutes(15);
    static final Duration BUCKET = Duration.ofSeconds(30);
    static final int DEAD_LETTERS_SHOWN = 5;

    private final DecisionHistory history;
    private final PushLatency latency;
    private final ConsoleKafka kafka;
    private final Clock clock = Clock.systemUTC();

    WritePathController(DecisionHistory history, PushLatency latency, ConsoleKafka kafka) {
        this.history = history;
        this.latency = latency;
        this.kafka = kafka;
    }

    /** One bucket of the chart: decisions by status, and all of them per second. */
    record Rate(Instant at, long applied, long conflict, long rejected, double perSecond) {
    }

    record Decisions(long bucketSeconds, List<Rate> buckets) {
    }

    record WritePath(Decisions decisions, PushLatency.Figures push, PushLatency.Live live,
                     List<ConsoleKafka.PartitionLag> applierLag, ConsoleKafka.DeadLetters deadLetters) {
    }

    @GetMapping("/api/admin/write-path")
    WritePath writePath() {
        return new WritePath(decisions(), latency.read(), latency.live(), kafka.applierLag(),
                kafka.deadLetters(DEAD_LETTERS_SHOWN));
    }

    /** Every bucket of the span, oldest first, the empty ones as zeros; the last one is the one under way. */
    private Decisions decisions() {
        long width = BUCKET.toSeconds();
        long lastSlot = clock.instant().getEpochSecond() / width;
        long firstSlot = lastSlot - SPAN.toSeconds() / width + 1;
        Map<Long, DecisionHistory.Bucket> found = new HashMap<>();
        for (DecisionHistory.Bucket bucket : history.buckets(Instant.ofEpochSecond(firstSlot * width), BUCKET)) {
            found.put(bucket.at().getEpochSecond() / width, bucket);
        }
        List<Rate> rates = new ArrayList<>();
        for (long slot = firstSlot; slot <= lastSlot; slot++) {
            DecisionHistory.Bucket b = found.get(slot);
            long applied = b == null ? 0 : b.applied();
            long conflict = b == null ? 0 : b.conflict();
            long rejected = b == null ? 0 : b.rejected();
            rates.add(new Rate(Instant.ofEpochSecond(slot * width), applied, conflict, rejected,
                    (applied + conflict + rejected) / (double) width));
        }
        return new Decisions(width, rates);
    }
}

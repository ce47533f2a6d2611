package io.syncd.applier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * A consumer's partitions paused at a child waiting for its parent, and when each is tried again: as soon as a batch
 * was decided after it parked (its parent's changes usually arrive in the very next poll), else after
 * {@code parent-retry} (its parent partition is another applier's).
 */
final class ParkedPartitions {
    private final Duration retry;
    private final Map<TopicPartition, Instant> since = new HashMap<>();
    private final Map<TopicPartition, Long> atBatch = new HashMap<>();
    /** Batches decided so far; a partition parked before the latest one may find its parent now. */
    private long batchesDecided;

    ParkedPartitions(Duration retry) {
        this.retry = retry;
    }

    boolean isEmpty() {
        return since.isEmpty();
    }

    /** A batch was decided, and these of its partitions stopped at a waiting child. */
    void batchDecided(Collection<TopicPartition> parked, Instant now) {
        batchesDecided++;
        for (TopicPartition tp : parked) {
            since.putIfAbsent(tp, now);
            atBatch.put(tp, batchesDecided);
        }
    }

    /** The partitions to resume now; they are no longer parked. */
    List<TopicPartition> due(Instant now) {
        Instant retryBefore = now.minus(retry);
        List<TopicPartition> resume = new ArrayList<>();
        since.forEach((tp, parkedAt) -> {
            if (parkedAt.isBefore(retryBefore) || atBatch.getOrDefault(tp, 0L) < batchesDecided) {
                resume.add(tp);
            }
        });
        resume.forEach(since::remove);
        resume.forEach(atBatch::remove);
        return resume;
    }

    /** Forgets partitions this consumer no longer owns. */
    void forget(Collection<TopicPartition> gone) {
        since.keySet().removeAll(gone);
        atBatch.keySet().removeAll(gone);
    }
}

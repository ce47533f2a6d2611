package io.syncd.applier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What deciding one batch did.
 *
 * @param nextOffsets per partition, the offset to commit (everything before it is decided)
 * @param parked      partitions stopped at a child waiting for its parent, with the child's offset
 * @param unknownAccount changes naming an account that does not exist: dead-lettered, never decided
 * @param redecided   whether a transaction of the batch was decided a second time, looking everything up, after its
 *                    first attempt met a change decided before or a create of an existing record
 */
record BatchResult(Map<TopicPartition, Long> nextOffsets, Map<TopicPartition, Long> parked,
                   List<Decision> decisions, List<PolledChange> unknownAccount, boolean redecided) {

    BatchResult asRedecided() {
        return new BatchResult(nextOffsets, parked, decisions, unknownAccount, true);
    }

    /**
     * One result for a batch decided in several transactions (each over its own accounts): a partition any of them
     * parked stops at the earliest waiting child (what the others decided after it is redelivered and skipped by
     * change id); else it is decided up to the furthest offset.
     */
    static BatchResult merge(List<BatchResult> results) {
        Map<TopicPartition, Long> parked = new HashMap<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        List<Decision> decisions = new ArrayList<>();
        List<PolledChange> unknown = new ArrayList<>();
        boolean redecided = false;
        for (BatchResult result : results) {
            redecided |= result.redecided();
            result.parked().forEach((tp, offset) -> parked.merge(tp, offset, Math::min));
            result.nextOffsets().forEach((tp, offset) -> next.merge(tp, offset, Math::max));
            decisions.addAll(result.decisions());
            unknown.addAll(result.unknownAccount());
        }
        next.putAll(parked);
        return new BatchResult(next, parked, decisions, unknown, redecided);
    }
}

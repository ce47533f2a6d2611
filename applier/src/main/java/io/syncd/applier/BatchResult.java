package io.syncd.applier;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What deciding one batch did.
 *
 * @param nextOffsets per partition, the offset to commit (everything before it is decided)
 * @param parked      partitions stopped at a child waiting for its parent, with the child's offset
 * @param unknownAccount changes naming an account that does not exist: dead-lettered, never decided
 */
record BatchResult(Map<TopicPartition, Long> nextOffsets, Map<TopicPartition, Long> parked,
                   List<Decision> decisions, List<PolledChange> unknownAccount) {
}

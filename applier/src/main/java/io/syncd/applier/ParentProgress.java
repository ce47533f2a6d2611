package io.syncd.applier;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import io.syncd.common.SyncTable;

/**
 * Tells whether every change to a child's parent table that was pushed before the child has been decided.
 * Only then may a child whose parent is missing be rejected with {@code missing_parent}; until then it waits.
 */
interface ParentProgress {

    /**
     * @param batchProgress next offset to decide per partition in the current (uncommitted) batch, whose
     *                      decisions the current transaction already sees
     */
    boolean parentChangesDecided(PolledChange child, SyncTable parentTable, Map<TopicPartition, Long> batchProgress);

    /**
     * Whether the change at {@code offset} in the child's account partition of {@code ancestorTable}'s topic is decided:
     * a delete pushed in the child's request, which must be decided before it ({@link io.syncd.common.ChangeEvent#after}).
     * By default, every ancestor change pushed before the child being decided answers it.
     */
    default boolean decidedPast(PolledChange child, SyncTable ancestorTable, long offset,
                                Map<TopicPartition, Long> batchProgress) {
        return parentChangesDecided(child, ancestorTable, batchProgress);
    }
}

package io.syncd.applier;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import io.syncd.common.SyncTable;

/** A {@link ParentProgress} asked by the parallel transactions of one batch, one at a time. */
final class SerializedParentProgress implements ParentProgress {
    private final ParentProgress parents;

    SerializedParentProgress(ParentProgress parents) {
        this.parents = parents;
    }

    @Override
    public synchronized boolean parentChangesDecided(PolledChange child, SyncTable parentTable,
                                                     Map<TopicPartition, Long> progress) {
        return parents.parentChangesDecided(child, parentTable, progress);
    }

    @Override
    public synchronized boolean decidedPast(PolledChange child, SyncTable ancestorTable, long offset,
                                            Map<TopicPartition, Long> progress) {
        return parents.decidedPast(child, ancestorTable, offset, progress);
    }
}

package io.syncd.applier;

import org.apache.kafka.common.TopicPartition;

import io.syncd.common.ChangeEvent;
import io.syncd.common.DecodedChange;
import tools.jackson.databind.node.ObjectNode;

/**
 * A decoded change event, its data in the wire form (null for a delete) and the Kafka position it was read from.
 * The data is read when the record is decoded, outside the transaction that decides it.
 */
record PolledChange(ChangeEvent event, ObjectNode data, TopicPartition source, long offset) {

    PolledChange(DecodedChange change, TopicPartition source, long offset) {
        this(change.event(), change.data(), source, offset);
    }
}

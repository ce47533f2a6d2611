package io.syncd.applier;

import org.apache.kafka.common.TopicPartition;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.DecodedChange;
import io.syncd.common.RecordRules;
import tools.jackson.databind.node.ObjectNode;

/**
 * A decoded change event, its data in the wire form (null for a delete) and the Kafka position it was read from.
 * The data is read when the record is decoded, outside the transaction that decides it.
 *
 * @param refusal why the change cannot be stored, when its data breaks the protocol's record rules or PostgreSQL
 *                refused it: it is then decided {@code rejected} with {@code invalid_data}, never written. The gateway
 *                refuses such data at the door; an event that did not pass it (another producer, an older gateway)
 *                must still never stop its partition.
 */
record PolledChange(ChangeEvent event, ObjectNode data, TopicPartition source, long offset, String refusal) {

    PolledChange(DecodedChange change, TopicPartition source, long offset) {
        this(change.event(), change.data(), source, offset, refusalOf(change));
    }

    /** This change, to be rejected with {@code invalid_data} for the given reason. */
    PolledChange refusedBecause(String reason) {
        return new PolledChange(event, data, source, offset, reason);
    }

    private static String refusalOf(DecodedChange change) {
        if (change.event().op() != ChangeOp.UPSERT) {
            return null;
        }
        return RecordRules.firstViolation(change.event().table(), change.data());
    }
}

package io.syncd.applier;

import java.util.UUID;

import org.apache.kafka.common.TopicPartition;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeOp;
import io.syncd.common.DecodedChange;
import io.syncd.common.RecordRules;
import io.syncd.common.SyncTable;
import io.syncd.store.records.RecordKey;
import tools.jackson.databind.node.ObjectNode;

/**
 * A decoded change event, its data in the wire form (null for a delete) and the Kafka position it was read from.
 * The data is read when the record is decoded, outside the transaction that decides it.
 *
 * @param refusal why the change cannot be stored, when its data breaks the protocol's record rules or PostgreSQL
 *                refused it: it is then decided {@code rejected} with {@code invalid_data}, never written. The gateway
 *                refuses such data at the door; an event that did not pass it (another producer, an older gateway)
 *                must still never stop its partition.
 * @param parent the record an upsert names as its parent ({@link #parentOf})
 */
record PolledChange(ChangeEvent event, ObjectNode data, TopicPartition source, long offset, String refusal,
                    RecordKey parent) {

    PolledChange(DecodedChange change, TopicPartition source, long offset) {
        this(change.event(), change.data(), source, offset, refusalOf(change));
    }

    private PolledChange(ChangeEvent event, ObjectNode data, TopicPartition source, long offset, String refusal) {
        this(event, data, source, offset, refusal, refusal == null ? parentOf(event, data) : null);
    }

    /** This change, to be rejected with {@code invalid_data} for the given reason. */
    PolledChange refusedBecause(String reason) {
        return new PolledChange(event, data, source, offset, reason, null);
    }

    /**
     * The record an upsert's data names as its parent, read once (the transaction looks it up and checks it); null
     * for a delete, a table without a parent, or data that broke the rules.
     */
    private static RecordKey parentOf(ChangeEvent event, ObjectNode data) {
        SyncTable parentTable = event.table().parent().orElse(null);
        if (event.op() != ChangeOp.UPSERT || parentTable == null) {
            return null;
        }
        return new RecordKey(parentTable, event.accountId(),
                UUID.fromString(data.get(event.table().parentField()).stringValue()));
    }

    private static String refusalOf(DecodedChange change) {
        if (change.event().op() != ChangeOp.UPSERT) {
            return null;
        }
        return RecordRules.firstViolation(change.event().table(), change.data());
    }
}

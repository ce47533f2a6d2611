package io.syncd.applier;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.TopicPartition;

import io.syncd.common.ChangeEvent;
import io.syncd.common.DecodedChange;

/**
 * The applier's own decision logic, run again on change events read back from the topics: how the projector proves
 * that the topics alone rebuild the tables. It works on the caller's connection and transaction, and the applier's
 * SQL names its tables without a schema, so a connection whose {@code search_path} is a scratch schema rebuilds
 * that schema and leaves the live tables alone.
 *
 * <p>Changes are decided in exactly the order given (the caller's merge of the partitions), and every change given
 * before counts as decided: a child whose parent is missing at its turn is rejected with {@code missing_parent} at
 * once instead of waiting. Nothing is announced on {@code sync_decided}: no push waits for a replay.
 */
public final class ReplayApplier {
    private static final ParentProgress EVERYTHING_BEFORE_IS_DECIDED = (child, parentTable, batchProgress) -> true;

    private final Clock clock;

    public ReplayApplier(Clock clock) {
        this.clock = clock;
    }

    /** A change event read back from a change topic (with its data, see {@link DecodedChange}), and where it was read. */
    public record ReplayedChange(DecodedChange change, String topic, int partition, long offset) {

        public ChangeEvent event() {
            return change.event();
        }
    }

    /**
     * What deciding a batch did.
     *
     * @param decisions rows appended to {@code sync_log}, cascaded tombstones included
     * @param unknownAccount changes naming an account that does not exist (the applier dead-letters those)
     */
    public record Outcome(int decisions, int unknownAccount) {
    }

    /** Decides the changes in the connection's current transaction; the caller commits. */
    public Outcome decide(Connection conn, List<ReplayedChange> changes) throws SQLException {
        List<PolledChange> polled = new ArrayList<>(changes.size());
        for (ReplayedChange c : changes) {
            polled.add(new PolledChange(c.change(), new TopicPartition(c.topic(), c.partition()), c.offset()));
        }
        BatchResult result = BatchApplier.decideInOrder(conn, clock, polled, EVERYTHING_BEFORE_IS_DECIDED);
        if (!result.parked().isEmpty()) {
            throw new IllegalStateException("a replayed change waited for its parent: " + result.parked());
        }
        return new Outcome(result.decisions().size(), result.unknownAccount().size());
    }
}

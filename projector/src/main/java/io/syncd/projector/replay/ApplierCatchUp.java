package io.syncd.projector.replay;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.syncd.common.Topics;
import io.syncd.edge.errors.ApiException;

/**
 * Waits until the applier group has decided the change topics up to given offsets (its committed offsets, which
 * follow PostgreSQL's commits), so the live tables hold every decision a replay up to those offsets makes.
 */
final class ApplierCatchUp {
    private static final long POLL_MILLIS = 100;

    private ApplierCatchUp() {
    }

    /** Returns once caught up; 503 when the applier made no progress for {@code stall}. */
    static void await(Admin admin, Map<TopicPartition, Long> targets, Duration stall) {
        long fewestBehind = Long.MAX_VALUE;
        long stalledSince = System.nanoTime();
        try {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Topics.APPLIER_GROUP)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                long behind = 0;
                for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
                    OffsetAndMetadata c = committed.get(target.getKey());
                    behind += Math.max(0, target.getValue() - (c == null ? 0 : c.offset()));
                }
                if (behind == 0) {
                    return;
                }
                if (behind < fewestBehind) {
                    fewestBehind = behind;
                    stalledSince = System.nanoTime();
                } else if (System.nanoTime() - stalledSince > stall.toNanos()) {
                    throw ApiException.unavailable("the applier has not decided " + behind + " changes on the change"
                            + " topics and made no progress for " + stall.toSeconds() + " s; verify again once it has");
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("cannot read the applier's offsets from Kafka: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while waiting for the applier");
        }
    }
}

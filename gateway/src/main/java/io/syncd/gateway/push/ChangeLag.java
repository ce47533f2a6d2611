package io.syncd.gateway.push;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import io.syncd.common.SyncTable;
import io.syncd.common.Topics;
import io.syncd.edge.errors.ApiException;

/**
 * Whether the applier group has decided everything queued for an account so far: the account's partition of each
 * change topic, committed offset against end offset. Lets the gateway tell "never received" from "still queued".
 */
public final class ChangeLag implements AutoCloseable {
    private static final long POLL_MILLIS = 25;

    private final Admin admin;
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();

    public ChangeLag(Admin admin) {
        this.admin = admin;
    }

    /** True once everything queued for the account before this call is decided; false if not within {@code wait}. */
    public boolean awaitCaughtUp(UUID accountId, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (SyncTable table : SyncTable.values()) {
                request.put(partitionOf(table.topic(), accountId), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(request).all().get(5, TimeUnit.SECONDS);
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Topics.APPLIER_GROUP)
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                boolean caughtUp = ends.entrySet().stream().allMatch(end -> {
                    OffsetAndMetadata c = committed.get(end.getKey());
                    return end.getValue().offset() == 0 || (c != null && c.offset() >= end.getValue().offset());
                });
                if (caughtUp) {
                    return true;
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("the change log is unavailable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private TopicPartition partitionOf(String topic, UUID accountId) throws ExecutionException, InterruptedException,
            TimeoutException {
        Integer count = partitionCounts.get(topic);
        if (count == null) {
            count = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            partitionCounts.put(topic, count);
        }
        byte[] key = accountId.toString().getBytes(StandardCharsets.UTF_8);
        return new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % count);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}

package io.syncd.applier;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the applier role ({@code sync.applier.*}).
 *
 * @param maxPollRecords most changes decided in one PostgreSQL transaction
 * @param pollTimeout how long one poll waits for records when the topics are idle
 * @param parentRetry longest wait before a partition waiting for a child's parent is tried again (also after each batch)
 * @param maxRetryBackoff the longest wait between retries of a batch PostgreSQL refused
 * @param consumers how many consumer threads this process runs in the group (each its own partitions)
 * @param parallelism how many transactions one consumer's batch is split over, by account, run side by side
 */
@ConfigurationProperties("sync.applier")
public record ApplierProperties(
        @DefaultValue("500") int maxPollRecords,
        @DefaultValue("100ms") Duration pollTimeout,
        @DefaultValue("20ms") Duration parentRetry,
        @DefaultValue("5s") Duration maxRetryBackoff,
        @DefaultValue("1") int consumers,
        @DefaultValue("1") int parallelism) {

    public ApplierProperties {
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("sync.applier.max-poll-records must be at least 1, was " + maxPollRecords);
        }
        if (maxRetryBackoff.isNegative() || maxRetryBackoff.isZero()) {
            throw new IllegalArgumentException("sync.applier.max-retry-backoff must be positive, was " + maxRetryBackoff);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("sync.applier.parallelism must be at least 1, was " + parallelism);
        }
        if (consumers < 1) {
            throw new IllegalArgumentException("sync.applier.consumers must be at least 1, was " + consumers);
        }
    }
}

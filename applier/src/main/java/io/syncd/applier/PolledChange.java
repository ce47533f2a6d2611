package io.syncd.applier;

import org.apache.kafka.common.TopicPartition;

import io.syncd.common.ChangeEvent;

/** A decoded change event and the Kafka position it was read from. */
record PolledChange(ChangeEvent event, TopicPartition source, long offset) {
}

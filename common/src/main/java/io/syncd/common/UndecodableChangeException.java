package io.syncd.common;

/** A Kafka record that is not a change event (a poison record): it goes to the dead-letter topic with this reason. */
public class UndecodableChangeException extends RuntimeException {
    public UndecodableChangeException(String reason) {
        super(reason);
    }
}

package io.syncd.store.changelog;

import io.syncd.common.ServiceUnavailableException;

/** Kafka did not acknowledge every change of a request in time; nothing about the request was answered yet. */
public class ChangeLogUnavailableException extends ServiceUnavailableException {
    public ChangeLogUnavailableException(String message) {
        super(message);
    }
}

package io.syncd.client;

import java.util.List;

/**
 * A local edit the server would refuse (unknown table or field, missing or malformed value): refused at once, before
 * anything is stored, so one bad record can never block the outbox.
 */
public class InvalidRecordException extends SyncException {
    private final List<String> errors;

    public InvalidRecordException(List<String> errors) {
        super(String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    /** One message per violation, each starting with the field path. */
    public List<String> errors() {
        return errors;
    }
}

package io.syncd.client;

/** No such record (or conflict, or rejection) in the local store. */
public class RecordNotFoundException extends SyncException {
    public RecordNotFoundException(String message) {
        super(message);
    }
}

package io.syncd.client;

/** A sync operation on a store that was never registered as a device. */
public class NotRegisteredException extends SyncException {
    public NotRegisteredException() {
        super("this store is not registered as a device yet: register it first");
    }
}

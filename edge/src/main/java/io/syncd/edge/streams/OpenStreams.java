package io.syncd.edge.streams;

import java.util.Map;
import java.util.UUID;

/**
 * The change streams this process's gateway holds open, by device: what the operator console shows of an account
 * where a gateway runs beside it (the gateway implements it; a process without one has none).
 */
public interface OpenStreams {
    /** How many streams each device of the account holds open in this process; devices without one are left out. */
    Map<UUID, Integer> byDevice(UUID accountId);
}

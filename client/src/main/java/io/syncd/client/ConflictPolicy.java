package io.syncd.client;

import java.util.Optional;

import tools.jackson.databind.node.ObjectNode;

/**
 * Decides what to do with a conflict as soon as a push finds it. The default keeps every conflict for the app, so a
 * local edit is never lost without the app (or its user) choosing.
 */
@FunctionalInterface
public interface ConflictPolicy {

    /** A resolution to send now, or empty to keep the conflict open for the app. */
    Optional<Decision> decide(Conflict conflict);

    /** A resolution and, for {@link Resolution#MERGE}, the merged data. */
    record Decision(Resolution resolution, ObjectNode mergedData) {
    }

    /** The default: every conflict stays open until the app resolves it. */
    static ConflictPolicy keepForApp() {
        return conflict -> Optional.empty();
    }

    /** The server's record wins; local edits in conflict are dropped. */
    static ConflictPolicy serverWins() {
        return conflict -> Optional.of(new Decision(Resolution.USE_SERVER, null));
    }

    /** The local edit wins: it is written over the server's version. */
    static ConflictPolicy localWins() {
        return conflict -> Optional.of(new Decision(Resolution.USE_LOCAL, null));
    }
}

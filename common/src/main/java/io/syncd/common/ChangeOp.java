package io.syncd.common;

import java.util.Optional;

/** What a change asks for: write a record, tombstone it, or (conflict resolution) keep the server's record. */
public enum ChangeOp {
    UPSERT("upsert"),
    DELETE("delete"),
    /** A {@code use_server} resolution: nothing is written, the decision is logged. */
    USE_SERVER("use_server");

    private final String wireName;

    ChangeOp(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ChangeOp> fromWireName(String name) {
        for (ChangeOp op : values()) {
            if (op.wireName.equals(name)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}

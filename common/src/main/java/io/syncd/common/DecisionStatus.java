package io.syncd.common;

/** The outcome of one change, as the protocol names it. */
public enum DecisionStatus {
    APPLIED, CONFLICT, REJECTED, PENDING;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package io.syncd.standalone.embedded;

/** Told when a running embedded server fails for good: which one ({@code kafka}, {@code postgres}) and why. */
@FunctionalInterface
public interface FatalFaultListener {
    void fatalFault(String component, String reason);
}

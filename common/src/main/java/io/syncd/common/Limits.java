package io.syncd.common;

/** Limits of the wire protocol (PROTOCOL.md), defined once. */
public final class Limits {
    /** Most changes one push may carry. */
    public static final int MAX_CHANGES_PER_PUSH = 1000;
    /** Largest serialized {@code data} of one record: 1 MiB. */
    public static final int MAX_DATA_BYTES = 1024 * 1024;
    public static final int DEFAULT_PULL_LIMIT = 500;
    public static final int MAX_PULL_LIMIT = 5000;
    /** Deepest nesting of one JSON document a server parses (a request body, an import line); the outermost level is 1. */
    public static final int MAX_JSON_DEPTH = 100;
    /**
     * Deepest nesting of a strokes value, its outermost array being 1: in a push or a pull answer strokes sit four
     * levels down ({@code changes[i].data.strokes}), so deeper ones could not travel as JSON to or from a v1 device.
     */
    public static final int MAX_STROKES_DEPTH = MAX_JSON_DEPTH - 4;
    /** Longest JSON number a server parses, in characters. */
    public static final int MAX_JSON_NUMBER_LENGTH = 1000;

    private Limits() {
    }
}

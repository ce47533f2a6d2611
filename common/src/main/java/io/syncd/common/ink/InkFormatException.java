package io.syncd.common.ink;

/**
 * Bytes (or base64 text) that are not a valid ink encoding, saying where and what is wrong: the byte offset, the path
 * inside the strokes value being decoded ({@code [2][5][1]}, empty at the top) and the problem.
 */
public final class InkFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;
    private final String path;
    private final String problem;

    InkFormatException(int offset, String path, String problem) {
        super("byte " + offset + (path.isEmpty() ? "" : " (at " + path + ")") + ": " + problem);
        this.offset = offset;
        this.path = path;
        this.problem = problem;
    }

    private InkFormatException(int character, String problem) {
        super("not base64 (RFC 4648 section 4, with padding): " + problem);
        this.offset = character;
        this.path = "";
        this.problem = problem;
    }

    static InkFormatException notBase64(int character, String problem) {
        return new InkFormatException(character, problem);
    }

    /** Where the problem is: the byte of the encoding, or the character of base64 text that is not base64. */
    public int offset() {
        return offset;
    }

    /** The path of the value being decoded inside the strokes value, e.g. {@code [2][5]}; empty at the top level. */
    public String path() {
        return path;
    }

    /** What is wrong, without the place. */
    public String problem() {
        return problem;
    }
}

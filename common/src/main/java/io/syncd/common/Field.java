package io.syncd.common;

/**
 * One field of a synced table's {@code data}: its wire name (also its column name), kind and limits.
 *
 * @param maxLength for TEXT: the longest value in characters (0 = unlimited)
 * @param notBlank  for TEXT: whitespace-only values are invalid
 * @param min       for INT: smallest value
 * @param max       for INT: largest value
 * @param defaultValue for BOOL: the value stored when the field is absent or null
 */
public record Field(String name, FieldType type, boolean required, int maxLength, boolean notBlank,
                    long min, long max, Boolean defaultValue) {
    /** The strokes field of notes and drawings as stored and as an ink device sends it: base64 of the ink bytes. */
    public static final String STROKES_INK = "strokes_ink";
    /** The same strokes as a JSON device sends and receives them: a JSON array, converted at the gateway. */
    public static final String STROKES_JSON = "strokes";

    public static Field text(String name, int maxLength) {
        return new Field(name, FieldType.TEXT, false, maxLength, false, 0, 0, null);
    }

    public static Field requiredName(String name, int maxLength) {
        return new Field(name, FieldType.TEXT, true, maxLength, true, 0, 0, null);
    }

    public static Field bool(String name, boolean defaultValue) {
        return new Field(name, FieldType.BOOL, false, 0, false, 0, 0, defaultValue);
    }

    public static Field required(String name, FieldType type) {
        return new Field(name, type, true, 0, false, 0, 0, null);
    }

    public static Field optional(String name, FieldType type) {
        return new Field(name, type, false, 0, false, 0, 0, null);
    }

    public static Field requiredInt(String name, int min, int max) {
        return new Field(name, FieldType.INT, true, 0, false, min, max, null);
    }
}

package io.syncd.common;

/** The value kinds a synced record's {@code data} field can hold, each with its PostgreSQL column type. */
public enum FieldType {
    TEXT("text"),
    BOOL("boolean"),
    UUID("uuid"),
    TIMESTAMP("timestamptz"),
    DATE("date"),
    INT("integer"),
    /**
     * Handwriting strokes in the ink encoding (PROTOCOL.md, "Ink encoding (strokes_ink)"): in {@code data} a base64
     * string, in PostgreSQL its bytes. A device may send and receive them as a JSON array instead, converted at the
     * gateway; everywhere inside they stay compact, so nothing on the write path or a pull tokenizes stroke numbers.
     */
    INK("bytea");

    private final String sqlType;

    FieldType(String sqlType) {
        this.sqlType = sqlType;
    }

    public String sqlType() {
        return sqlType;
    }

    /** The SQL expression of a value of this type given as the text {@code data} holds (base64 for ink). */
    public String fromText(String textExpression) {
        return this == INK ? "decode(" + textExpression + ", 'base64')" : textExpression + "::" + sqlType;
    }
}

package io.syncd.common;

/** The value kinds a synced record's {@code data} field can hold, each with its PostgreSQL column type. */
public enum FieldType {
    TEXT("text"),
    BOOL("boolean"),
    UUID("uuid"),
    TIMESTAMP("timestamptz"),
    DATE("date"),
    INT("integer"),
    /** A JSON array the server only passes through (handwriting strokes): stored as text, never parsed to jsonb. */
    JSON_ARRAY("text");

    private final String sqlType;

    FieldType(String sqlType) {
        this.sqlType = sqlType;
    }

    public String sqlType() {
        return sqlType;
    }
}

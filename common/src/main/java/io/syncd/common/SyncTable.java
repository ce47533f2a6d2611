package io.syncd.common;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The four synced tables: their wire names, Kafka topics, {@code data} fields and parent references.
 * Validation (gateway), writes (applier) and reads (pull) are all derived from this one definition.
 */
public enum SyncTable {
    BOOKS("books", 0, null, null, List.of(
            Field.requiredName("name", 200),
            Field.bool("archived", false))),
    EVENTS("events", 1, "books", "book_id", List.of(
            Field.required("book_id", FieldType.UUID),
            Field.requiredName("name", 200),
            Field.text("record_number", 50),
            Field.text("event_type", 50),
            Field.required("start_time", FieldType.TIMESTAMP),
            Field.optional("end_time", FieldType.TIMESTAMP),
            Field.bool("is_removed", false),
            Field.text("removal_reason", 500))),
    NOTES("notes", 2, "events", "event_id", List.of(
            Field.required("event_id", FieldType.UUID),
            Field.required(Field.STROKES_INK, FieldType.INK))),
    SCHEDULE_DRAWINGS("schedule_drawings", 2, "books", "book_id", List.of(
            Field.required("book_id", FieldType.UUID),
            Field.required("date", FieldType.DATE),
            Field.requiredInt("view_mode", 0, 2),
            Field.required(Field.STROKES_INK, FieldType.INK)));

    /** Prefix of the per-table change topics: {@code sync.changes.<table>}. */
    public static final String TOPIC_PREFIX = "sync.changes.";

    // Looked up for every change on the push and apply paths: maps, not scans.
    private static final Map<String, SyncTable> BY_WIRE_NAME = new HashMap<>();
    private static final Map<String, SyncTable> BY_TOPIC = new HashMap<>();
    private static final Map<SyncTable, Optional<SyncTable>> PARENTS = new EnumMap<>(SyncTable.class);
    private static final Map<SyncTable, List<SyncTable>> CHILDREN = new EnumMap<>(SyncTable.class);

    static {
        for (SyncTable table : values()) {
            BY_WIRE_NAME.put(table.wireName, table);
            BY_TOPIC.put(table.topic, table);
        }
        for (SyncTable table : values()) {
            PARENTS.put(table, Optional.ofNullable(table.parentName).map(BY_WIRE_NAME::get));
            CHILDREN.put(table, Arrays.stream(values()).filter(t -> table.wireName.equals(t.parentName)).toList());
        }
    }

    private final String wireName;
    private final String topic;
    private final int stage;
    private final String parentName;
    private final String parentField;
    private final List<Field> fields;
    private final Set<String> fieldNames;

    SyncTable(String wireName, int stage, String parentName, String parentField, List<Field> fields) {
        this.wireName = wireName;
        this.topic = TOPIC_PREFIX + wireName;
        this.stage = stage;
        this.parentName = parentName;
        this.parentField = parentField;
        this.fields = fields;
        this.fieldNames = fields.stream().map(Field::name).collect(Collectors.toUnmodifiableSet());
    }

    /** The table's name on the wire and in PostgreSQL. */
    public String wireName() {
        return wireName;
    }

    public String topic() {
        return topic;
    }

    /** Decision order within a request: parents (0) before children (1, 2). */
    public int stage() {
        return stage;
    }

    public List<Field> fields() {
        return fields;
    }

    /**
     * The names of {@link #fields()}: what a record's {@code data} may hold, checked for every pushed change and
     * every local write.
     */
    public Set<String> fieldNames() {
        return fieldNames;
    }

    /** The table this one references, if any (events → books, notes → events, drawings → books). */
    public Optional<SyncTable> parent() {
        return PARENTS.get(this);
    }

    /** The {@code data} field holding the parent's record id; null for books. */
    public String parentField() {
        return parentField;
    }

    /**
     * Whether the table's rows keep their parent's {@code book_id} in a column of their own, beside {@code data} and
     * never on the wire: a note keeps its event's book, fixed since parents are fixed at creation, for pulls by book.
     */
    public boolean keepsParentsBook() {
        return this == NOTES;
    }

    /** Tables whose records reference this one. */
    public List<SyncTable> children() {
        return CHILDREN.get(this);
    }

    public static Optional<SyncTable> fromWireName(String name) {
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }

    public static Optional<SyncTable> fromTopic(String topic) {
        return Optional.ofNullable(BY_TOPIC.get(topic));
    }

    public static List<String> topics() {
        return Arrays.stream(values()).map(SyncTable::topic).toList();
    }
}

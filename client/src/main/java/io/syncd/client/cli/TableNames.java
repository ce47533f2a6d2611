package io.syncd.client.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import io.syncd.common.Field;
import io.syncd.common.FieldType;
import io.syncd.common.SyncTable;

/** The synced tables for the help of TABLE and JSON, read from {@link SyncTable}: help never lists stale fields. */
final class TableNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(SyncTable.values()).map(SyncTable::wireName).iterator();
    }

    /** The footer of {@code put} and {@code resolve}: each table's fields, required ones marked. */
    static String fieldsHelp() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("JSON fields of each table (* required; unknown fields are refused):");
        for (SyncTable table : SyncTable.values()) {
            lines.add("  " + table.wireName());
            for (Field field : table.fields()) {
                // Strokes are given as JSON, as the app gives them; the SDK encodes them to ink.
                String name = field.type() == FieldType.INK ? Field.STROKES_JSON : field.name();
                lines.add(String.format("    %-16s %s", name + (field.required() ? "*" : ""),
                        describe(table, field)));
            }
        }
        return String.join("%n", lines) + "%n";
    }

    private static String describe(SyncTable table, Field field) {
        return switch (field.type()) {
            case TEXT -> "text" + (field.notBlank() ? ", not blank" : "")
                    + (field.maxLength() > 0 ? ", up to " + field.maxLength() + " characters" : "");
            case BOOL -> "true or false (default " + field.defaultValue() + ")";
            case UUID -> field.name().equals(table.parentField())
                    ? "id of a live record of " + table.parent().orElseThrow().wireName() : "a UUID";
            case TIMESTAMP -> "timestamp, RFC 3339 (2026-11-24T09:00:00Z)";
            case DATE -> "date, YYYY-MM-DD";
            case INT -> "integer, " + field.min() + " to " + field.max();
            case INK -> "JSON array (handwriting strokes; or " + Field.STROKES_INK + ": base64 of their ink encoding)";
        };
    }
}

package io.syncd.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncd.common.Json;
import tools.jackson.databind.node.ObjectNode;

/** The figures of a run, in the order measured; printed as a table and written as JSON. */
final class Results {
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();

    /** Records a figure; NaN, a figure that could not be measured, is written as null. */
    void put(String key, Object value, String label) {
        if (value instanceof Double d && d.isNaN()) {
            value = null;
        }
        figures.put(key, value instanceof Double d ? Stats.round(d) : value);
        labels.put(key, label);
        System.out.printf("  %-26s %12s   %s%n", key, value == null ? "-" : figures.get(key), label);
    }

    /** The keys written so far, in order. */
    List<String> keys() {
        return List.copyOf(figures.keySet());
    }

    Object get(String key) {
        return figures.get(key);
    }

    double number(String key) {
        Object value = figures.get(key);
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    void printTable() {
        System.out.println();
        System.out.println("figure                            value   what");
        System.out.println("--------------------------------------------------------------------------------");
        figures.forEach((key, value) -> System.out.printf("%-26s %12s   %s%n", key, value == null ? "-" : value,
                labels.get(key)));
    }

    void write(Path file) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        figures.forEach((key, value) -> json.putPOJO(key, value));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, json.toPrettyString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}

package io.syncd.projector.transfer;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.SyncTable;

/**
 * The validated changes of an import, on disk until the whole file is known to be valid: one file per decision
 * stage (books; events; notes and drawings), so parents are produced, and decided, before their children. Memory
 * holds one line at a time, however large the file.
 */
final class ImportSpool implements AutoCloseable {
    static final int STAGES = 3;

    private final List<Path> files = new ArrayList<>();
    private final List<BufferedWriter> writers = new ArrayList<>();
    private final long[] counts = new long[STAGES];

    ImportSpool() {
        try {
            for (int stage = 0; stage < STAGES; stage++) {
                Path file = Files.createTempFile("syncd-import-stage" + stage + "-", ".ndjson");
                files.add(file);
                writers.add(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create the import's spool files", e);
        }
    }

    void add(ChangeEvent event) {
        int stage = event.table().stage();
        try {
            // An encoded event is one line: JSON escapes every line break inside strings.
            writers.get(stage).write(new String(ChangeEventCodec.encode(event), StandardCharsets.UTF_8));
            writers.get(stage).write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the import's spool file", e);
        }
        counts[stage]++;
    }

    long count(int stage) {
        return counts[stage];
    }

    long total() {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    /** The stage's changes, read back in the order they came; call once writing is done. */
    BufferedReader read(int stage) {
        try {
            writers.get(stage).flush();
            return Files.newBufferedReader(files.get(stage), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the import's spool file", e);
        }
    }

    /** The tables whose changes a stage holds. */
    static List<SyncTable> tables(int stage) {
        return java.util.Arrays.stream(SyncTable.values()).filter(t -> t.stage() == stage).toList();
    }

    @Override
    public void close() {
        for (BufferedWriter writer : writers) {
            try {
                writer.close();
            } catch (IOException e) {
                // deleted next
            }
        }
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }
}

package io.syncd.client.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The field names an answer reader has seen, by a hash of their bytes, so that each repetition is the same
 * {@code String}: a page repeats the same dozen names thousands of times.
 */
final class FieldNames {
    private static final int SLOTS = 512;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] names = new String[SLOTS];

    /** The name whose UTF-8 bytes are {@code buffer[start, end)}. */
    String of(byte[] buffer, int start, int end) {
        int hash = 0;
        for (int i = start; i < end; i++) {
            hash = 31 * hash + buffer[i];
        }
        int slot = hash & (SLOTS - 1);
        byte[] known = bytes[slot];
        if (known != null && Arrays.equals(buffer, start, end, known, 0, known.length)) {
            return names[slot];
        }
        String name = new String(buffer, start, end - start, StandardCharsets.UTF_8);
        bytes[slot] = Arrays.copyOfRange(buffer, start, end);
        names[slot] = name;
        return name;
    }
}

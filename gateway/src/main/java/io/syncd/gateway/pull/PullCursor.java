package io.syncd.gateway.pull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

import io.syncd.common.SyncTable;

/**
 * The opaque pull cursor: the account position pulled up to, the position the chain started at (tombstones at or
 * below it were deleted before the chain began and are left out), and the tables it was issued for (a cursor only
 * holds for the same set: another set would silently skip changes).
 */
record PullCursor(long position, long chainStart, Set<SyncTable> tables) {
    private static final String VERSION = "c1";

    String encode() {
        int mask = 0;
        for (SyncTable table : tables) {
            mask |= 1 << table.ordinal();
        }
        String text = VERSION + "." + position + "." + chainStart + "." + mask;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor; throws IllegalArgumentException when it is not one this server issued. */
    static PullCursor decode(String cursor) {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String[] parts = text.split("\\.");
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            throw new IllegalArgumentException("not a cursor");
        }
        long position = Long.parseLong(parts[1]);
        long chainStart = Long.parseLong(parts[2]);
        int mask = Integer.parseInt(parts[3]);
        if (position < 0 || chainStart < 0 || mask <= 0 || mask >= 1 << SyncTable.values().length) {
            throw new IllegalArgumentException("not a cursor");
        }
        Set<SyncTable> tables = EnumSet.noneOf(SyncTable.class);
        for (SyncTable table : SyncTable.values()) {
            if ((mask & 1 << table.ordinal()) != 0) {
                tables.add(table);
            }
        }
        return new PullCursor(position, chainStart, tables);
    }
}

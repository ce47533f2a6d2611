package io.syncd.common;

import java.security.SecureRandom;
import java.util.Random;
import java.util.UUID;

/**
 * Time-ordered UUIDs (version 7, RFC 9562), the record and change ids a client should generate: PostgreSQL's
 * primary-key indexes take them near their right edge. Random (version 4) ids land on random pages instead, and once
 * an index outgrows PostgreSQL's cache every insert reads and writes a page of its own (docs/BENCHMARKS.md).
 */
public final class TimeOrderedIds {
    private static final long MAX_MILLIS = (1L << 48) - 1;
    // 74 random bits a millisecond: ids of different devices must never meet, or a change would pass for a re-push.
    private static final SecureRandom STRONG = new SecureRandom();

    private TimeOrderedIds() {
    }

    /** A new id for now, its random part from a cryptographically strong generator. */
    public static UUID next() {
        return next(System.currentTimeMillis(), STRONG);
    }

    /** A new id for this time (milliseconds since 1970), its random part from a cryptographically strong generator. */
    public static UUID next(long epochMillis) {
        return next(epochMillis, STRONG);
    }

    /**
     * A new id: 48 bits of {@code epochMillis}, the version, 12 random bits, the variant and 62 random bits. Ids of
     * later milliseconds sort after earlier ones, as PostgreSQL compares uuids (byte by byte) and as their strings do.
     */
    public static UUID next(long epochMillis, Random random) {
        if (epochMillis < 0 || epochMillis > MAX_MILLIS) {
            throw new IllegalArgumentException("a version 7 UUID holds 0 to " + MAX_MILLIS + " ms since 1970, not "
                    + epochMillis);
        }
        long high = epochMillis << 16 | 0x7000L | random.nextInt(0x1000);
        long low = random.nextLong() >>> 2 | Long.MIN_VALUE;
        return new UUID(high, low);
    }
}

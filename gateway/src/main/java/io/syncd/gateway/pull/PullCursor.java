package io.syncd.gateway.pull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.syncd.common.SyncTable;

/**
 * The opaque pull cursor: the account position pulled up to, the position the chain started at (tombstones at or
 * below it were deleted before the chain began and are left out), the tables it was issued for (a cursor only holds
 * for the same set: another set would silently skip changes), and the database that issued it.
 *
 * <p>On the wire: base64url of version 2 (1 byte), the database id (16), position (8), chain start (8), the tables as
 * a bit mask (1), then the first 16 bytes of an HMAC-SHA256 of all that under the database's cursor key. The
 * signature makes a cursor unforgeable, so a device can never ask for "everything after position 999999" of a
 * history it has not seen; the database id tells a cursor of another database from a forged one.
 */
record PullCursor(UUID databaseId, long position, long chainStart, Set<SyncTable> tables) {
    private static final byte VERSION = 2;
    private static final int BODY = 1 + 16 + 8 + 8 + 1;
    private static final int MAC_BYTES = 16;
    /** The unsigned text cursors of servers before signing: {@code base64("c1.<position>.<chain start>.<mask>")}. */
    private static final String UNSIGNED_PREFIX = "c1.";

    /** A cursor text that is not one this server could have made (400), or that is one no longer valid (409). */
    static final class Refused extends Exception {
        private final boolean reset;

        Refused(boolean reset, String message) {
            super(message);
            this.reset = reset;
        }

        /** Made by a server, but not for this database's history: start the chain again from null. */
        boolean reset() {
            return reset;
        }
    }

    String encode(byte[] key) {
        ByteBuffer out = ByteBuffer.allocate(BODY + MAC_BYTES);
        out.put(VERSION).putLong(databaseId.getMostSignificantBits()).putLong(databaseId.getLeastSignificantBits())
                .putLong(position).putLong(chainStart).put((byte) mask(tables));
        out.put(mac(key, out.array(), BODY));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    }

    /**
     * Reads and verifies a cursor of this database: refused with {@code reset} when another database (or a server
     * before signed cursors) made it, without when no server made it.
     */
    static PullCursor decode(String text, UUID databaseId, byte[] key) throws Refused {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Refused(false, "is not a cursor this server issued");
        }
        if (new String(bytes, StandardCharsets.ISO_8859_1).startsWith(UNSIGNED_PREFIX)) {
            throw new Refused(true, "was issued before cursors were signed; pull again from a null cursor");
        }
        if (bytes.length != BODY + MAC_BYTES || bytes[0] != VERSION
                || !MessageDigest.isEqual(mac(key, bytes, BODY), Arrays.copyOfRange(bytes, BODY, bytes.length))) {
            // Also a cursor of another database: signed with another key. Its id is read only once the signature
            // holds, so what a forger writes there decides nothing.
            ByteBuffer unverified = ByteBuffer.wrap(bytes);
            if (bytes.length == BODY + MAC_BYTES && bytes[0] == VERSION
                    && !new UUID(unverified.getLong(1), unverified.getLong(9)).equals(databaseId)) {
                throw new Refused(true, "was issued by another database; pull again from a null cursor");
            }
            throw new Refused(false, "is not a cursor this server issued");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, BODY - 1);
        UUID issuer = new UUID(in.getLong(), in.getLong());
        long position = in.getLong();
        long chainStart = in.getLong();
        int mask = in.get() & 0xff;
        if (!issuer.equals(databaseId)) {
            throw new Refused(true, "was issued by another database; pull again from a null cursor");
        }
        if (position < 0 || chainStart < 0 || mask == 0 || mask >= 1 << SyncTable.values().length) {
            throw new Refused(false, "is not a cursor this server issued");
        }
        Set<SyncTable> tables = EnumSet.noneOf(SyncTable.class);
        for (SyncTable table : SyncTable.values()) {
            if ((mask & 1 << table.ordinal()) != 0) {
                tables.add(table);
            }
        }
        return new PullCursor(issuer, position, chainStart, tables);
    }

    private static int mask(Set<SyncTable> tables) {
        int mask = 0;
        for (SyncTable table : tables) {
            mask |= 1 << table.ordinal();
        }
        return mask;
    }

    private static byte[] mac(byte[] key, byte[] bytes, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(bytes, 0, length);
            return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }
}

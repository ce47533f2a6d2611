package io.syncd.gateway.pull;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.syncd.common.SyncTable;

/**
 * The opaque pull cursor: the account position pulled up to, the position the chain started at (tombstones at or
 * below it were deleted before the chain began and are left out), the tables it was issued for (a cursor only holds
 * for the same set: another set would silently skip changes), the books it was issued for with the backfill of
 * those added since ({@link BookSelection}), and the database that issued it.
 *
 * <p>On the wire: base64url of a version byte, the database id (16), position (8), chain start (8), the tables as a
 * bit mask (1), then the first 16 bytes of an HMAC-SHA256 of all that under the database's cursor key. Version 2 is
 * a chain of every book with nothing to catch up on (as v1 servers issued it, so their devices see no change);
 * version 3 adds, after the mask, a flags byte (1: a set of books, 2: a backfill of every other book), the set
 * (count u16, ids), the books catching up (count u16, id and progress each) and the other books' backfill (its
 * progress, count u16, the ids it leaves out). The signature makes a cursor unforgeable, so a device can never ask
 * for "everything after position 999999" of a history it has not seen; the database id tells a cursor of another
 * database from a forged one.
 */
record PullCursor(UUID databaseId, long position, long chainStart, Set<SyncTable> tables, BookSelection selection) {
    private static final byte EVERY_BOOK = 2;
    private static final byte SELECTED_BOOKS = 3;
    private static final int HEAD = 1 + 16 + 8 + 8 + 1;
    private static final int MAC_BYTES = 16;
    private static final int HAS_SET = 1;
    private static final int HAS_OTHERS = 2;
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
        boolean everyBook = selection.books() == null && !selection.backfilling();
        int body = HEAD + (everyBook ? 0 : selectionBytes());
        ByteBuffer out = ByteBuffer.allocate(body + MAC_BYTES);
        out.put(everyBook ? EVERY_BOOK : SELECTED_BOOKS).putLong(databaseId.getMostSignificantBits())
                .putLong(databaseId.getLeastSignificantBits()).putLong(position).putLong(chainStart)
                .put((byte) mask(tables));
        if (!everyBook) {
            putSelection(out);
        }
        out.put(mac(key, out.array(), body));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    }

    private int selectionBytes() {
        int bytes = 1 + 2 + 2 + selection.backfill().size() * (16 + 8);
        if (selection.books() != null) {
            bytes += selection.books().size() * 16;
        }
        if (selection.others() != null) {
            bytes += 8 + 2 + selection.others().synced().size() * 16;
        }
        return bytes;
    }

    private void putSelection(ByteBuffer out) {
        BookSelection.Others others = selection.others();
        out.put((byte) ((selection.books() != null ? HAS_SET : 0) | (others != null ? HAS_OTHERS : 0)));
        putIds(out, selection.books() == null ? Set.of() : selection.books());
        out.putShort((short) selection.backfill().size());
        selection.backfill().forEach((book, progress) -> putId(out, book).putLong(progress));
        if (others != null) {
            out.putLong(others.progress());
            putIds(out, others.synced());
        }
    }

    private static void putIds(ByteBuffer out, Set<UUID> ids) {
        out.putShort((short) ids.size());
        ids.forEach(id -> putId(out, id));
    }

    private static ByteBuffer putId(ByteBuffer out, UUID id) {
        return out.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
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
        int body = bytes.length - MAC_BYTES;
        boolean known = body >= HEAD && (bytes[0] == EVERY_BOOK ? body == HEAD : bytes[0] == SELECTED_BOOKS);
        if (!known || !MessageDigest.isEqual(mac(key, bytes, body), Arrays.copyOfRange(bytes, body, bytes.length))) {
            // Also a cursor of another database: signed with another key. Its id is read only once the signature
            // holds, so what a forger writes there decides nothing.
            ByteBuffer unverified = ByteBuffer.wrap(bytes);
            if (known && !new UUID(unverified.getLong(1), unverified.getLong(9)).equals(databaseId)) {
                throw new Refused(true, "was issued by another database; pull again from a null cursor");
            }
            throw new Refused(false, "is not a cursor this server issued");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, body - 1);
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
        BookSelection selection;
        try {
            selection = bytes[0] == EVERY_BOOK ? BookSelection.ALL : readSelection(in);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new Refused(false, "is not a cursor this server issued");
        }
        return new PullCursor(issuer, position, chainStart, tables, selection);
    }

    private static BookSelection readSelection(ByteBuffer in) {
        int flags = in.get();
        Set<UUID> books = readIds(in);
        Map<UUID, Long> backfill = new LinkedHashMap<>();
        int catchingUp = in.getShort() & 0xffff;
        for (int i = 0; i < catchingUp; i++) {
            backfill.put(new UUID(in.getLong(), in.getLong()), in.getLong());
        }
        BookSelection.Others others = null;
        if ((flags & HAS_OTHERS) != 0) {
            long progress = in.getLong();
            others = new BookSelection.Others(readIds(in), progress);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        return new BookSelection((flags & HAS_SET) != 0 ? books : null, backfill, others);
    }

    private static Set<UUID> readIds(ByteBuffer in) {
        int count = in.getShort() & 0xffff;
        if (count * 16L > in.remaining()) {
            throw new IllegalArgumentException("count past the end");
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(new UUID(in.getLong(), in.getLong()));
        }
        return ids;
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

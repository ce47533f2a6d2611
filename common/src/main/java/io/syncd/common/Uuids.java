package io.syncd.common;

/** The one UUID shape the protocol takes: 8-4-4-4-12 hex digits, either case. */
public final class Uuids {
    private Uuids() {
    }

    /** Whether {@code text} is 8-4-4-4-12 hex digits: {@link java.util.UUID#fromString} alone also takes "1-1-1-1-1". */
    public static boolean isCanonical(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

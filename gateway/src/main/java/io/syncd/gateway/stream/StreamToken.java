package io.syncd.gateway.stream;

/**
 * A {@code changed} event's id: the account's change sequence when it was sent, and a number that makes every event
 * of a process different. Opaque to the device, which only sends it back as {@code Last-Event-ID}; a stream that
 * reconnects with the account's current sequence is up to date ({@code ready}), whatever else was decided since
 * (a conflict or rejection changes no record a pull would return).
 */
record StreamToken(long changeSeq, long event) {

    String encode() {
        return changeSeq + "." + Long.toString(event, 36);
    }

    /** The change sequence a device's {@code Last-Event-ID} names, or -1 when it names none (absent, foreign, bad). */
    static long changeSeqOf(String lastEventId) {
        if (lastEventId == null || lastEventId.length() > 40) {
            return -1;
        }
        int dot = lastEventId.indexOf('.');
        if (dot <= 0) {
            return -1;
        }
        try {
            long seq = Long.parseLong(lastEventId, 0, dot, 10);
            Long.parseLong(lastEventId, dot + 1, lastEventId.length(), 36);
            return seq < 0 ? -1 : seq;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

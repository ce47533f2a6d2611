package io.syncd.store.decided;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.syncd.common.SyncTable;

/**
 * What an apply transaction announces on {@link #CHANNEL} for one account when it commits: the applied
 * changes with their versions, so a gateway can answer its waiting push without reading {@code sync_log} back.
 * Conflicts, rejections and {@code use_server} decisions carry records or messages a notification has no room for;
 * an account with any of them, or with a change skipped as decided before, is announced {@code complete = false}:
 * the gateway then reads {@code sync_log} for whatever it still waits for.
 *
 * <p>Text form, at most {@link #PAYLOAD_LIMIT} characters a notification (PostgreSQL allows 8000 bytes): entries
 * separated by {@code ;}, each {@code +account} (complete) or {@code ?account}, then {@code " change:version"} per
 * applied change. The account may be followed by {@code /seq/tables/millis}: its change sequence after the commit,
 * the tables of its decisions (a bit per {@link SyncTable} ordinal, in hex) and when they were decided (epoch ms),
 * which the gateway's change streams tell devices. An account with more applied changes than one notification holds
 * is split over several entries with the same flag. A payload of bare account ids separated by commas (what appliers before this form sent) reads
 * as incomplete signals for those accounts.
 *
 * @param applied the versions of the account's applied changes (change id to version)
 */
public record DecidedSignal(UUID accountId, boolean complete, Map<UUID, Long> applied, long changeSeq,
                            Set<SyncTable> tables, long decidedAtMillis) {
    public static final String CHANNEL = "sync_decided";
    /** {@link #changeSeq} when the notification did not say (an applier before streams). */
    public static final long UNKNOWN = -1;
    static final int PAYLOAD_LIMIT = 7900;

    public DecidedSignal {
        applied = Map.copyOf(applied);
        tables = Collections.unmodifiableSet(tables.isEmpty() ? EnumSet.noneOf(SyncTable.class) : EnumSet.copyOf(tables));
    }

    /** A signal that does not say the account's sequence, tables or time: read as a decision of any table. */
    public DecidedSignal(UUID accountId, boolean complete, Map<UUID, Long> applied) {
        this(accountId, complete, applied, UNKNOWN, EnumSet.allOf(SyncTable.class), 0);
    }

    /** The payloads of one transaction's signals, each small enough for one {@code pg_notify}. */
    public static List<String> encode(Collection<DecidedSignal> signals) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        for (DecidedSignal signal : signals) {
            String head = (signal.complete ? "+" : "?") + signal.accountId + signal.streamFields();
            startEntry(payloads, payload, head);
            for (Map.Entry<UUID, Long> change : signal.applied.entrySet()) {
                String item = " " + change.getKey() + ":" + change.getValue();
                if (payload.length() + item.length() > PAYLOAD_LIMIT) {
                    payloads.add(payload.toString());
                    payload.setLength(0);
                    payload.append(head);
                }
                payload.append(item);
            }
        }
        if (!payload.isEmpty()) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    private static void startEntry(List<String> payloads, StringBuilder payload, String head) {
        // Room for the head and at least one change, so that a split never leaves a head alone at the end.
        if (!payload.isEmpty() && payload.length() + 1 + head.length() + 60 > PAYLOAD_LIMIT) {
            payloads.add(payload.toString());
            payload.setLength(0);
        }
        payload.append(payload.isEmpty() ? "" : ";").append(head);
    }

    /** The signals of one payload; what is not well formed is left out (the gateway's periodic read covers it). */
    public static List<DecidedSignal> decode(String payload) {
        List<DecidedSignal> signals = new ArrayList<>();
        if (payload.isEmpty()) {
            return signals;
        }
        char first = payload.charAt(0);
        if (first != '+' && first != '?') {
            for (String id : payload.split(",")) {
                UUID account = uuid(id);
                if (account != null) {
                    signals.add(new DecidedSignal(account, false, Map.of()));
                }
            }
            return signals;
        }
        for (String entry : payload.split(";")) {
            String[] parts = entry.split(" ");
            String[] head = parts[0].split("/");
            UUID account = head[0].length() > 1 ? uuid(head[0].substring(1)) : null;
            if (account == null) {
                continue;
            }
            long changeSeq = UNKNOWN;
            Set<SyncTable> tables = EnumSet.allOf(SyncTable.class);
            long decidedAt = 0;
            if (head.length == 4) {
                Long seq = number(head[1], 10);
                Long mask = number(head[2], 16);
                Long millis = number(head[3], 10);
                if (seq != null && mask != null && millis != null) {
                    changeSeq = seq;
                    tables = tablesOf(mask);
                    decidedAt = millis;
                }
            }
            Map<UUID, Long> applied = new LinkedHashMap<>();
            boolean complete = parts[0].charAt(0) == '+';
            for (int i = 1; i < parts.length; i++) {
                int colon = parts[i].indexOf(':');
                UUID change = colon < 0 ? null : uuid(parts[i].substring(0, colon));
                Long version = colon < 0 ? null : number(parts[i].substring(colon + 1), 10);
                if (change == null || version == null) {
                    complete = false; // one entry unreadable: read the rest from sync_log
                } else {
                    applied.put(change, version);
                }
            }
            signals.add(new DecidedSignal(account, complete, applied, changeSeq, tables, decidedAt));
        }
        return signals;
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String streamFields() {
        if (changeSeq == UNKNOWN) {
            return "";
        }
        long mask = 0;
        for (SyncTable table : tables) {
            mask |= 1L << table.ordinal();
        }
        return "/" + changeSeq + "/" + Long.toHexString(mask) + "/" + decidedAtMillis;
    }

    private static Set<SyncTable> tablesOf(long mask) {
        Set<SyncTable> tables = EnumSet.noneOf(SyncTable.class);
        for (SyncTable table : SyncTable.values()) {
            if ((mask & (1L << table.ordinal())) != 0) {
                tables.add(table);
            }
        }
        return tables;
    }

    private static Long number(String text, int radix) {
        try {
            long value = Long.parseLong(text, radix);
            return value < 0 ? null : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

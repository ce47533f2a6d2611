package io.syncd.common;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * RFC 3339 timestamps read and written by hand: {@code OffsetDateTime.parse} and {@code Instant.toString} went through
 * java.time's general formatters and were an eighth of the gateway's CPU on the push path (every event carries two
 * timestamps, every change event one). The results are exactly java.time's.
 */
public final class Timestamps {
    private static final long SECONDS_PER_DAY = 86_400;
    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years written with four digits and no sign.
    private static final long MIN_SECOND = -62_167_219_200L;
    private static final long MAX_SECOND = 253_402_300_799L;
    /**
     * The first instant parse accepts, 0001-01-01T00:00:00Z: year 0 is no year to PostgreSQL, and an instant before it
     * would be written with a sign that RFC 3339 (and so every reader of ours) refuses.
     */
    public static final Instant EARLIEST = Instant.ofEpochSecond(-62_135_596_800L);
    /** The last instant parse accepts: 9999-12-31T23:59:59.999999999Z, the last one with a four-digit year. */
    public static final Instant LATEST = Instant.ofEpochSecond(MAX_SECOND, 999_999_999);

    private Timestamps() {
    }

    /** Parses {@code yyyy-MM-ddTHH:mm:ss[.f…](Z|±hh:mm)} with at most 9 fraction digits (see below). */
    public static Instant parse(String text) {
        return parse(text, 9);
    }

    /**
     * Parses {@code yyyy-MM-ddTHH:mm:ss[.f…](Z|±hh:mm)}: seconds required, at most {@code maxFractionDigits} fraction
     * digits, {@code T} and {@code Z} in either case and offsets up to ±23:59 (RFC 3339 allows both); throws
     * {@link DateTimeException} on anything else, including impossible dates (February 30th) and times (24:00, a leap
     * second, which java.time cannot hold), and instants outside {@link #EARLIEST}…{@link #LATEST} once in UTC.
     */
    public static Instant parse(String text, int maxFractionDigits) {
        int length = text.length();
        if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || (text.charAt(10) | 0x20) != 't'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            throw invalid(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int i = 19;
        int nanos = 0;
        if (text.charAt(i) == '.') {
            int start = ++i;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
            }
            int count = i - start;
            if (count == 0 || count > maxFractionDigits) {
                throw invalid(text);
            }
            nanos = digits(text, start, count);
            for (int scale = count; scale < 9; scale++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == length - 1 && (text.charAt(i) | 0x20) == 'z') {
            offsetSeconds = 0;
        } else if (i == length - 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && text.charAt(i + 3) == ':') {
            int offsetHours = digits(text, i + 1, 2);
            int offsetMinutes = digits(text, i + 4, 2);
            if (offsetHours > 23 || offsetMinutes > 59) {
                throw invalid(text);
            }
            offsetSeconds = (text.charAt(i) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        } else {
            throw invalid(text);
        }
        if (hour > 23 || minute > 59 || second > 59) {
            throw invalid(text);
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay(); // validates month and day
        long epochSecond = epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second - offsetSeconds;
        Instant instant = Instant.ofEpochSecond(epochSecond, nanos);
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new OutOfRangeException(text);
        }
        return instant;
    }

    /** Exactly {@link Instant#toString()}: UTC, {@code Z}, the fraction in groups of three digits when not zero. */
    public static String format(Instant instant) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond < MIN_SECOND || epochSecond > MAX_SECOND) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, SECONDS_PER_DAY));
        int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        int nanos = instant.getNano();
        char[] out = new char[30];
        put(out, 0, date.getYear(), 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        int end = 19;
        if (nanos != 0) {
            out[end++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(out, end, nanos / 1_000_000, 3);
                end += 3;
            } else if (nanos % 1_000 == 0) {
                put(out, end, nanos / 1_000, 6);
                end += 6;
            } else {
                put(out, end, nanos, 9);
                end += 9;
            }
        }
        out[end++] = 'Z';
        return new String(out, 0, end);
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static int digits(String text, int at, int count) {
        if (at + count > text.length()) {
            throw invalid(text);
        }
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                throw invalid(text);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** A well-formed timestamp whose instant lies outside {@link #EARLIEST}…{@link #LATEST}. */
    public static final class OutOfRangeException extends DateTimeException {
        OutOfRangeException(String text) {
            super("not within the years 0001 to 9999 in UTC: " + text);
        }
    }

    private static DateTimeException invalid(String text) {
        return new DateTimeException("not an RFC 3339 timestamp: " + text);
    }
}

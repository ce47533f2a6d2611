package io.syncd.store.sql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Rows for {@code COPY … FROM STDIN} in PostgreSQL's binary format, for values the applier holds typed (ids, numbers,
 * times): nothing is formatted as text here nor parsed back by the server, which in the text format spent more on a
 * {@code sync_log} row's ids and times than on its data.
 */
public final class BinaryCopyRows implements AutoCloseable {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** 2000-01-01T00:00:00Z, where PostgreSQL counts its timestamps and dates from. */
    private static final long POSTGRES_EPOCH_SECOND = 946_684_800L;
    private static final long POSTGRES_EPOCH_DAY = 10_957L;

    private final CopyStream out;
    private final int columns;
    private int valuesInRow = -1;

    /** @param columns the columns each row gives a value of, in order, separated by commas */
    public BinaryCopyRows(Connection conn, String table, String columns) throws SQLException {
        this.out = new CopyStream(conn, "COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)");
        this.columns = columns.split(",").length;
        out.write(SIGNATURE);
        out.putInt(0); // flags
        out.putInt(0); // header extension length
    }

    /** Starts a row; its {@code columns} values follow. */
    public BinaryCopyRows row() throws SQLException {
        endRow();
        out.putShort(columns);
        valuesInRow = 0;
        return this;
    }

    public BinaryCopyRows uuid(UUID value) throws SQLException {
        if (value == null) {
            return nullValue();
        }
        counted().putInt(16);
        out.putLong(value.getMostSignificantBits());
        out.putLong(value.getLeastSignificantBits());
        return this;
    }

    public BinaryCopyRows text(String value) throws SQLException {
        if (value == null) {
            return nullValue();
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        counted().putInt(bytes.length);
        out.write(bytes);
        return this;
    }

    public BinaryCopyRows bytea(byte[] value) throws SQLException {
        if (value == null) {
            return nullValue();
        }
        counted().putInt(value.length);
        out.write(value);
        return this;
    }

    public BinaryCopyRows int8(Long value) throws SQLException {
        if (value == null) {
            return nullValue();
        }
        counted().putInt(8);
        out.putLong(value);
        return this;
    }

    public BinaryCopyRows int4(Integer value) throws SQLException {
        if (value == null) {
            return nullValue();
        }
        counted().putInt(4);
        out.putInt(value);
        return this;
    }

    public BinaryCopyRows bool(Boolean value) throws SQLException {
        if (value == null) {
            return nullValue();
        }
        counted().putInt(1);
        out.put((byte) (value ? 1 : 0));
        return this;
    }

    public BinaryCopyRows date(LocalDate value) throws SQLException {
        if (value == null) {
            return nullValue();
        }
        counted().putInt(4);
        out.putInt(Math.toIntExact(value.toEpochDay() - POSTGRES_EPOCH_DAY));
        return this;
    }

    public BinaryCopyRows timestamptz(Instant value) throws SQLException {
        if (value == null) {
            return nullValue();
        }
        counted().putInt(8);
        out.putLong(postgresMicros(value));
        return this;
    }

    /**
     * Microseconds since PostgreSQL's epoch, rounded as PostgreSQL rounds the nine-digit fraction the text format
     * would carry ({@code rint(strtod(fraction) * 1e6)}), so a time stored here equals the same instant stored as text
     * elsewhere. Only an exact half microsecond depends on that double arithmetic.
     */
    private static long postgresMicros(Instant instant) {
        long micros = Math.multiplyExact(instant.getEpochSecond() - POSTGRES_EPOCH_SECOND, 1_000_000L);
        int nanos = instant.getNano();
        int rest = nanos % 1000;
        long fraction = nanos / 1000;
        if (rest > 500) {
            fraction++;
        } else if (rest == 500) {
            fraction = (long) Math.rint(Double.parseDouble("0." + String.format("%09d", nanos)) * 1_000_000);
        }
        return micros + fraction;
    }

    /** Sends what is left and ends the COPY; returns the rows copied (none: no row was started). */
    public long finish() throws SQLException {
        if (valuesInRow < 0) {
            return 0;
        }
        endRow();
        out.putShort(-1);
        return out.finish();
    }

    /** Cancels a COPY that was not finished (a value failed): the connection can roll back and go on. */
    @Override
    public void close() throws SQLException {
        out.close();
    }

    /** A SQL NULL, whatever the column's type. */
    public BinaryCopyRows nullValue() throws SQLException {
        counted().putInt(-1);
        return this;
    }

    private CopyStream counted() {
        if (valuesInRow < 0 || valuesInRow == columns) {
            throw new IllegalStateException("a value outside a row of " + columns + " columns");
        }
        valuesInRow++;
        return out;
    }

    private void endRow() {
        if (valuesInRow >= 0 && valuesInRow != columns) {
            throw new IllegalStateException("a row of " + valuesInRow + " values, " + columns + " expected");
        }
    }
}

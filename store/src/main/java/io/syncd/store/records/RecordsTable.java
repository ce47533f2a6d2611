package io.syncd.store.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import io.syncd.common.Field;
import io.syncd.common.RecordData;
import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;
import io.syncd.common.Timestamps;
import io.syncd.store.sql.BinaryCopyRows;
import io.syncd.store.sql.SqlArrays;

/** The applier's SQL for the four synced tables: locked reads of current rows, and batched writes. */
public final class RecordsTable {
    private static final String SYNC_COLUMNS = "account_id, id, version, is_deleted, device_id, updated_at, synced_at, position";
    private static final String[] SYNC_TYPES = {"uuid", "uuid", "bigint", "boolean", "uuid", "timestamptz", "timestamptz", "bigint"};
    /** The column of a table that {@link SyncTable#keepsParentsBook keeps its parent's book}: never in data. */
    public static final String BOOK_COLUMN = "book_id";

    private RecordsTable() {
    }

    /**
     * The current rows of these records, locked until the transaction ends (the version check reads them). One
     * primary-key lookup per key, whatever the planner believes of the table's size: written as a join, a plan cached
     * while the table was new seq-scans it for every batch once it has grown (10 ms for 52 keys at 10,000 rows).
     * The order of the locks does not matter: the account's row lock keeps other apply transactions away.
     */
    public static List<SyncedRecord> lockCurrent(Connection conn, SyncTable table, Collection<RecordKey> keys) throws SQLException {
        String sql = lockCurrentSql(table);
        List<UUID> accounts = new ArrayList<>(keys.size());
        List<UUID> ids = new ArrayList<>(keys.size());
        for (RecordKey key : keys) {
            accounts.add(key.accountId());
            ids.add(key.recordId());
        }
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            SqlArrays.bindUuids(conn, ps, 1, accounts);
            SqlArrays.bindUuids(conn, ps, 2, ids);
            return readAll(table, ps);
        }
    }

    public static String lockCurrentSql(SyncTable table) {
        return "SELECT r.* FROM unnest(?::uuid[], ?::uuid[]) AS k(a, i) CROSS JOIN LATERAL (SELECT "
                + SyncedRecord.columns(table) + " FROM " + table.wireName()
                + " WHERE account_id = k.a AND id = k.i FOR UPDATE) r";
    }

    /** Live rows of a child table that reference the given parent, locked: a parent's delete tombstones them. */
    public static List<SyncedRecord> lockLiveChildren(Connection conn, SyncTable child, UUID accountId, UUID parentId) throws SQLException {
        String sql = "SELECT " + SyncedRecord.columns(child) + " FROM " + child.wireName()
                + " WHERE account_id = ? AND " + child.parentField() + " = ? AND NOT is_deleted ORDER BY id FOR UPDATE";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setObject(1, accountId);
            ps.setObject(2, parentId);
            return readAll(child, ps);
        }
    }

    private static List<SyncedRecord> readAll(SyncTable table, PreparedStatement ps) throws SQLException {
        List<SyncedRecord> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(SyncedRecord.read(table, rs));
            }
        }
        return rows;
    }

    /**
     * Inserts records that have no row yet, with a binary COPY: PostgreSQL's text input of ids and times cost more
     * than the rest of an event's row. No other transaction can insert them meanwhile: every apply transaction of the
     * account holds its row lock ({@link AccountsTable#lockSequences}). A record that has a row after all (a create
     * whose row the applier's first attempt did not look up) fails the COPY on the primary key: SQLState 23505.
     *
     * @param parentsBook for a table that {@link SyncTable#keepsParentsBook keeps its parent's book} (notes): the
     *                    book of the record's parent, which the caller read for the parent check; unused otherwise
     */
    public static void insert(Connection conn, SyncTable table, Collection<SyncedRecord> records,
                              Function<SyncedRecord, UUID> parentsBook) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        StringBuilder columns = new StringBuilder(SYNC_COLUMNS);
        for (Field f : table.fields()) {
            columns.append(", ").append(f.name());
        }
        if (table.keepsParentsBook()) {
            columns.append(", ").append(BOOK_COLUMN);
        }
        try (BinaryCopyRows rows = new BinaryCopyRows(conn, table.wireName(), columns.toString())) {
            for (SyncedRecord r : records) {
                rows.row().uuid(r.accountId()).uuid(r.recordId()).int8(r.version()).bool(r.deleted())
                        .uuid(r.deviceId()).timestamptz(r.updatedAt()).timestamptz(r.syncedAt()).int8(r.position());
                String[] data = RecordData.toColumnText(table, r.data());
                for (int f = 0; f < data.length; f++) {
                    dataValue(rows, table.fields().get(f), data[f]);
                }
                if (table.keepsParentsBook()) {
                    rows.uuid(parentsBook.apply(r));
                }
            }
            rows.finish();
        }
    }

    /**
     * One data column in its type's binary form, read from the text {@link RecordData#toColumnText} gives the upsert:
     * one mapping of the data to columns for both writes (the gateway normalized the data: canonical ids, UTC times of
     * at most six fraction digits, so nothing is rounded here that PostgreSQL's text input would not round alike).
     */
    private static void dataValue(BinaryCopyRows rows, Field field, String text) throws SQLException {
        if (text == null) {
            rows.nullValue();
            return;
        }
        try {
            switch (field.type()) {
                case TEXT -> rows.text(text);
                case INK -> rows.bytea(Base64.getDecoder().decode(text));
                case BOOL -> rows.bool(switch (text) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("not true or false");
                });
                case UUID -> rows.uuid(UUID.fromString(text));
                case TIMESTAMP -> rows.timestamptz(Timestamps.parse(text));
                case DATE -> rows.date(LocalDate.parse(text));
                case INT -> rows.int4(Integer.parseInt(text));
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException(field.name() + " is not a " + field.type().sqlType() + ": " + text, e);
        }
    }

    /**
     * Replaces the rows of records that have one (read and locked by {@link #lockCurrent} or {@link #lockLiveChildren}).
     * A note's book is not replaced (parents are fixed, so it never changes), but the statement's new row must carry it
     * (PostgreSQL checks NOT NULL before it finds the conflict): it is read from the note's event in the same
     * statement, a primary-key probe, instead of a round trip.
     */
    public static void upsert(Connection conn, SyncTable table, Collection<SyncedRecord> records) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        List<Field> fields = table.fields();
        int columnCount = SYNC_TYPES.length + fields.size();
        List<List<String>> columns = new ArrayList<>(columnCount);
        for (int c = 0; c < columnCount; c++) {
            columns.add(new ArrayList<>(records.size()));
        }
        for (SyncedRecord r : records) {
            String[] sync = {r.accountId().toString(), r.recordId().toString(), Long.toString(r.version()),
                    Boolean.toString(r.deleted()), r.deviceId().toString(), Timestamps.format(r.updatedAt()),
                    Timestamps.format(r.syncedAt()), Long.toString(r.position())};
            String[] data = RecordData.toColumnText(table, r.data());
            for (int c = 0; c < sync.length; c++) {
                columns.get(c).add(sync[c]);
            }
            for (int f = 0; f < data.length; f++) {
                columns.get(sync.length + f).add(data[f]);
            }
        }
        StringBuilder select = new StringBuilder();
        StringBuilder unnest = new StringBuilder();
        StringBuilder aliases = new StringBuilder();
        StringBuilder updates = new StringBuilder();
        List<String> names = new ArrayList<>(List.of(SYNC_COLUMNS.split(", ")));
        List<String> values = new ArrayList<>();
        for (int c = 0; c < SYNC_TYPES.length; c++) {
            values.add("c" + c + "::" + SYNC_TYPES[c]);
        }
        for (Field f : fields) {
            names.add(f.name());
            values.add(f.type().fromText("c" + values.size()));
        }
        for (int c = 0; c < columnCount; c++) {
            String sep = c == 0 ? "" : ", ";
            select.append(sep).append(values.get(c));
            unnest.append(sep).append("?::text[]");
            aliases.append(sep).append("c").append(c);
            if (c >= 2) {
                updates.append(c == 2 ? "" : ", ").append(names.get(c)).append(" = EXCLUDED.").append(names.get(c));
            }
        }
        String insertNames = String.join(", ", names);
        if (table.keepsParentsBook()) {
            SyncTable parent = table.parent().orElseThrow();
            int parentColumn = SYNC_TYPES.length + fields.indexOf(fields.stream()
                    .filter(f -> f.name().equals(table.parentField())).findFirst().orElseThrow());
            insertNames += ", " + BOOK_COLUMN;
            select.append(", (SELECT p.book_id FROM ").append(parent.wireName()).append(" p WHERE p.account_id = c0::uuid")
                    .append(" AND p.id = c").append(parentColumn).append("::uuid)");
        }
        String sql = "INSERT INTO " + table.wireName() + " (" + insertNames + ") SELECT " + select
                + " FROM unnest(" + unnest + ") AS u(" + aliases + ")"
                + " ON CONFLICT (account_id, id) DO UPDATE SET " + updates;
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int c = 0; c < columnCount; c++) {
                SqlArrays.bindText(conn, ps, c + 1, columns.get(c));
            }
            ps.executeUpdate();
        }
    }
}

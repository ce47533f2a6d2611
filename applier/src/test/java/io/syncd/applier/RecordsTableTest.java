package io.syncd.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.syncd.common.Field;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;
import io.syncd.common.ink.InkCodec;
import io.syncd.store.records.RecordsTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import tools.jackson.databind.node.ObjectNode;

/**
 * New records go in with a binary COPY, written ones with the text upsert: both store the same row for the same
 * record, column for column, in every table and for every kind of value (nulls, defaults, raw and parsed JSON, times
 * with a fraction, dates, integers, text PostgreSQL's text format would escape).
 */
class RecordsTableTest {
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static final Map<UUID, Long> POSITIONS = new ConcurrentHashMap<>();

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = MigratedDatabase.start();
        dataSource = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void theBinaryCopyStoresWhatTheTextUpsertStores() throws SQLException {
        UUID copied = newAccount();
        UUID upserted = newAccount();
        UUID book = UUID.randomUUID();
        UUID event = UUID.randomUUID();
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                UUID.randomUUID(), UUID.randomUUID());
        try (Connection conn = dataSource.getConnection()) {
            for (UUID account : List.of(copied, upserted)) {
                List<List<SyncedRecord>> stages = List.of(
                        List.of(record(account, SyncTable.BOOKS, book, full(SyncTable.BOOKS, book, 1)),
                                record(account, SyncTable.BOOKS, ids.get(0), sparse(SyncTable.BOOKS, book))),
                        List.of(record(account, SyncTable.EVENTS, event, full(SyncTable.EVENTS, book, 1)),
                                record(account, SyncTable.EVENTS, ids.get(1), sparse(SyncTable.EVENTS, book))),
                        List.of(record(account, SyncTable.NOTES, ids.get(2), full(SyncTable.NOTES, event, 2)),
                                record(account, SyncTable.NOTES, ids.get(3), sparse(SyncTable.NOTES, event)),
                                record(account, SyncTable.SCHEDULE_DRAWINGS, ids.get(4),
                                        full(SyncTable.SCHEDULE_DRAWINGS, book, 2)),
                                record(account, SyncTable.SCHEDULE_DRAWINGS, ids.get(5),
                                        sparse(SyncTable.SCHEDULE_DRAWINGS, book))));
                for (List<SyncedRecord> stage : stages) {
                    for (SyncTable table : SyncTable.values()) {
                        List<SyncedRecord> rows = stage.stream().filter(r -> r.table() == table).toList();
                        if (account.equals(copied)) {
                            RecordsTable.insert(conn, table, rows, note -> book); // every note's event is in book
                        } else {
                            RecordsTable.upsert(conn, table, rows);
                        }
                    }
                }
            }

            for (SyncTable table : SyncTable.values()) {
                assertThat(count(conn, table, copied)).as(table.wireName()).isEqualTo(2);
                assertThat(differingRows(conn, table, copied, upserted)).as(table.wireName()).isEmpty();
            }
        }
    }

    /** A value the gateway would have refused (a number in a boolean field) fails the COPY loudly, naming the field. */
    @Test
    void aValueOfTheWrongKindFailsTheInsertNamingTheField() throws SQLException {
        UUID account = newAccount();
        ObjectNode data = full(SyncTable.BOOKS, null, 1);
        data.put("archived", 1);
        try (Connection conn = dataSource.getConnection()) {
            assertThatThrownBy(() -> RecordsTable.insert(conn, SyncTable.BOOKS,
                    List.of(record(account, SyncTable.BOOKS, UUID.randomUUID(), data)), r -> null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("archived");
            assertThat(count(conn, SyncTable.BOOKS, account)).isZero();
        }
    }

    /** Every field set, with values at the edges of what the text format escapes or rounds. */
    private static ObjectNode full(SyncTable table, UUID parent, int variant) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        for (Field field : table.fields()) {
            String name = field.name();
            if (name.equals(table.parentField())) {
                data.put(name, parent.toString());
                continue;
            }
            switch (field.type()) {
                case TEXT -> data.put(name, "Dr. \"Lee\"\t\\N\n2nd floor ü 漢字 😀 \\");
                case BOOL -> data.put(name, true);
                case UUID -> data.put(name, UUID.randomUUID().toString());
                case TIMESTAMP -> data.put(name, name.equals("end_time") ? "2026-12-04T11:30:00.000001Z"
                        : "1999-12-31T23:59:59.123456Z");
                case DATE -> data.put(name, variant == 1 ? "1999-12-31" : "2026-02-28");
                case INT -> data.put(name, 2);
                case INK -> {
                    if (variant == 1) { // as the gateway encodes a JSON device's strokes: the bytes
                        data.put(name, InkCodec.encode(Json.MAPPER.readTree("[[1,2.5,\"\\t\"]]")));
                    } else { // as a change event carries them: base64
                        data.put(name, InkCodec.toBase64(InkCodec.encodeJson("[[1,2,3],[4,5,6]]".getBytes())));
                    }
                }
            }
        }
        return data;
    }

    /** Only the required fields (and the parent): the rest null or their defaults. */
    private static ObjectNode sparse(SyncTable table, UUID parent) {
        ObjectNode data = full(table, parent, 2);
        for (Field field : table.fields()) {
            if (!field.required() && !field.name().equals(table.parentField())) {
                data.putNull(field.name());
            }
        }
        return data;
    }

    /** Positions are unique per account; both accounts get the same ones, in the same order. */
    private static SyncedRecord record(UUID account, SyncTable table, UUID id, ObjectNode data) {
        long position = POSITIONS.merge(account, 1L, Long::sum);
        return new SyncedRecord(table, account, id, 3, false, data, UUID.randomUUID(),
                Instant.parse("2026-12-04T10:00:00.654321Z"), Instant.parse("2026-12-04T10:00:01Z"), position);
    }

    /** Ids of the rows of {@code a} whose columns (all but account_id and device_id) differ from {@code b}'s. */
    private static List<String> differingRows(Connection conn, SyncTable table, UUID a, UUID b) throws SQLException {
        List<String> columns = new ArrayList<>(List.of("id", "version", "is_deleted", "updated_at", "synced_at",
                "position"));
        table.fields().forEach(f -> columns.add(f.name()));
        if (table.keepsParentsBook()) {
            columns.add(RecordsTable.BOOK_COLUMN); // the copy takes it from the caller, the upsert from the event
        }
        String row = columns.stream().map(c -> "x." + c).collect(Collectors.joining(", "));
        String sql = "SELECT x.id FROM " + table.wireName() + " x WHERE x.account_id = ? AND NOT EXISTS (SELECT 1 FROM "
                + table.wireName() + " y WHERE y.account_id = ? AND (" + row.replace("x.", "y.")
                + ") IS NOT DISTINCT FROM (" + row + "))";
        List<String> differing = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setObject(1, a);
            ps.setObject(2, b);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    differing.add(rs.getString(1));
                }
            }
        }
        return differing;
    }

    private static long count(Connection conn, SyncTable table, UUID account) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT count(*) FROM " + table.wireName() + " WHERE account_id = ?")) {
            ps.setObject(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static UUID newAccount() throws SQLException {
        return MigratedDatabase.newAccount(dataSource);
    }
}

package io.syncd.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.SyncTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A change whose data the database cannot store costs that change, never its partition: data that breaks the record
 * rules (an event that did not pass the gateway) and data PostgreSQL itself refuses are each decided {@code rejected}
 * with {@code invalid_data}, and the changes around them are decided as if it were not there.
 */
class UnstorableDataTest {
    private static final AtomicLong OFFSETS = new AtomicLong();
    private static final ParentProgress PARENTS_DECIDED = (child, table, progress) -> true;
    private static final String BOOK = "\"book_id\":\"%s\"";
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;

    private final BatchApplier applier = new BatchApplier(dataSource, Clock.systemUTC());
    private final UUID device = UUID.randomUUID();
    private UUID account;

    @BeforeAll
    static void startDatabase() throws IOException {
        postgres = MigratedDatabase.start();
        dataSource = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void newAccount() throws SQLException {
        account = MigratedDatabase.newAccount(dataSource);
    }

    /** As the applier reads it from Kafka: the event's bytes, decoded. */
    private PolledChange upsert(SyncTable table, UUID recordId, String data) {
        byte[] bytes = ChangeEventCodec.encode(new ChangeEvent(UUID.randomUUID(), account, device, table, ChangeOp.UPSERT,
                recordId, 0, data, Instant.parse("2026-11-24T10:00:00Z")));
        return new PolledChange(ChangeEventCodec.read(bytes), new TopicPartition(table.topic(), 0),
                OFFSETS.incrementAndGet());
    }

    private PolledChange book(String name) {
        return upsert(SyncTable.BOOKS, UUID.randomUUID(), "{\"name\":\"" + name + "\",\"archived\":false}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "U+0000 in a name | books | {\"name\":\"a\\u0000b\",\"archived\":false} | data.name: must not contain U+0000",
            "a lone surrogate | books | {\"name\":\"a\\ud800\",\"archived\":false} | data.name: must not contain an unpaired surrogate (U+D800 to U+DFFF)",
            "year 0 with an offset | events | {" + BOOK + ",\"name\":\"e\",\"start_time\":\"0000-01-01T00:00:00+01:00\"} | data.start_time: must lie within the years 0001 to 9999 once in UTC",
            "past year 9999 in UTC | events | {" + BOOK + ",\"name\":\"e\",\"start_time\":\"2026-11-24T09:00:00Z\",\"end_time\":\"9999-12-31T23:59:59-01:00\"} | data.end_time: must lie within the years 0001 to 9999 once in UTC",
            "view mode out of range | schedule_drawings | {" + BOOK + ",\"date\":\"2026-11-24\",\"view_mode\":7,\"strokes\":[]} | data.view_mode: must be an integer from 0 to 2",
            "no parent id | events | {\"name\":\"e\",\"start_time\":\"2026-11-24T09:00:00Z\"} | data.book_id: is required",
            "strokes not an array | notes | {\"event_id\":\"%s\",\"strokes\":{\"x\":1}} | data.strokes: must be a JSON array"})
    void dataBreakingTheRecordRulesIsRejectedAndItsNeighboursAreDecided(String poison, String table, String data,
                                                                        String reason) throws SQLException {
        UUID parentBook = UUID.randomUUID();
        PolledChange parent = upsert(SyncTable.BOOKS, parentBook, "{\"name\":\"parent\",\"archived\":false}");
        PolledChange before = book("before");
        PolledChange bad = upsert(SyncTable.fromWireName(table).orElseThrow(), UUID.randomUUID(),
                data.formatted(parentBook));
        PolledChange after = book("after");

        BatchResult result = applier.apply(List.of(parent, before, bad, after), PARENTS_DECIDED);

        assertThat(result.decisions()).extracting(d -> d.changeId(), d -> d.status().wireName(), d -> d.errorCode(),
                d -> d.errorMessage()).contains(
                tuple(before.event().changeId(), "applied", null, null),
                tuple(bad.event().changeId(), "rejected", Decision.INVALID_DATA, reason),
                tuple(after.event().changeId(), "applied", null, null));
        assertThat(result.parked()).isEmpty();
        assertThat(result.nextOffsets().get(bad.source())).as("its partition goes on past it").isGreaterThan(bad.offset());
        assertThat(decision(bad)).isEqualTo("rejected invalid_data");
        assertThat(count("SELECT count(*) FROM " + table + " WHERE account_id = ? AND id = '" + bad.event().recordId() + "'"))
                .as("nothing of it written").isZero();
    }

    @Test
    void aValuePostgresRefusesCostsOnlyItsChangeAndTheBatchIsDecidedAroundIt() throws SQLException {
        // A rule of the database's own that the record rules do not know of: the applier must find the change it
        // refuses without being told which one, and decide the rest.
        String refused = "refused-" + UUID.randomUUID();
        execute("ALTER TABLE books ADD CONSTRAINT test_refuses CHECK (name <> '" + refused + "')");
        try {
            PolledChange first = book("first");
            PolledChange bad = book(refused);
            PolledChange last = book("last");
            UUID otherAccount = account;
            account = MigratedDatabase.newAccount(dataSource);
            PolledChange othersBook = book("another account's");

            BatchResult result = applier.apply(List.of(first, bad, last, othersBook), PARENTS_DECIDED);

            assertThat(result.decisions()).extracting(d -> d.changeId(), d -> d.status().wireName(), d -> d.errorCode())
                    .containsExactlyInAnyOrder(
                            tuple(first.event().changeId(), "applied", null),
                            tuple(bad.event().changeId(), "rejected", Decision.INVALID_DATA),
                            tuple(last.event().changeId(), "applied", null),
                            tuple(othersBook.event().changeId(), "applied", null));
            assertThat(result.nextOffsets()).containsEntry(new TopicPartition(SyncTable.BOOKS.topic(), 0),
                    othersBook.offset() + 1);
            account = otherAccount;
            assertThat(decision(bad)).isEqualTo("rejected invalid_data");
            assertThat(count("SELECT count(*) FROM books WHERE account_id = ?")).isEqualTo(2);
            assertThat(count("SELECT max(position) FROM books WHERE account_id = ?")).as("positions without a gap").isEqualTo(2);
        } finally {
            execute("ALTER TABLE books DROP CONSTRAINT test_refuses");
        }
    }

    @Test
    void aDatabaseFailureThatIsNotAboutTheDataIsThrownForTheBatchToBeRetried() throws SQLException {
        execute("ALTER TABLE books RENAME TO books_away");
        try {
            PolledChange change = book("waits for its table");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> applier.apply(List.of(change), PARENTS_DECIDED))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42P01");
            assertThat(count("SELECT count(*) FROM sync_log WHERE account_id = ?")).as("nothing rejected for it").isZero();
        } finally {
            execute("ALTER TABLE books_away RENAME TO books");
        }
    }

    private String decision(PolledChange change) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(
                "SELECT status || ' ' || coalesce(error_code, '') FROM sync_log WHERE account_id = ? AND change_id = ?")) {
            ps.setObject(1, change.event().accountId());
            ps.setObject(2, change.event().changeId());
            try (ResultSet rs = ps.executeQuery()) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                assertThat(rows).hasSize(1);
                return rows.get(0);
            }
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setObject(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection conn = dataSource.getConnection(); Statement statement = conn.createStatement()) {
            statement.execute(sql);
        }
    }
}

package io.syncd.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import io.syncd.common.ink.InkCodec;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ceilings, measured in the same run on the same servers: PostgreSQL without Kafka (the same event rows,
 * version-checked upserts in 50-row transactions, durable), and Kafka alone ({@code acks=all}, the same events).
 */
final class Baselines {
    private static final int PRODUCE_PARTITIONS = 8;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    Baselines(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** What a baseline transaction holds: always 50 rows, version-checked upserts, one statement per table. */
    enum Rows {
        /** 50 small events: the sustained load's own rows, and the orientation figure of FACTS.md (~30k rows/s here). */
        EVENTS,
        /**
         * The same 50 events, each with the audit row the applier writes beside it ({@code sync_log}, its data
         * included) in the same transaction: what PostgreSQL does for a decided change, without HTTP and Kafka.
         */
        EVENTS_AUDITED,
        /**
         * The seed's sync of phase 1: 1 book, 19 events, 25 notes and 5 drawings with ~5 KB of JSON strokes each,
         * stored as the server stores them (ink bytes, {@code strokes_ink bytea}).
         */
        SEED_SYNC
    }

    /**
     * What PostgreSQL alone does with the rows.
     *
     * @param perSecond rows per second
     * @param postgresCpuMicros CPU microseconds of the PostgreSQL processes per row
     */
    record Raw(double perSecond, double postgresCpuMicros) {
    }

    /**
     * Version-checked upserts in 50-row transactions of {@code shape}, with {@code threads} writers, for
     * {@code seconds}. Written for as long as the load it is compared with is measured, so that both pay their share
     * of PostgreSQL's checkpoints: in 5 s windows the same writers go from ~30,000 to ~42,000 rows/s and back.
     */
    Raw rawPostgres(Rows shape, double seconds, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> writers = new ArrayList<>();
            List<Connection> connections = new ArrayList<>();
            List<UUID[]> owners = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Connection conn = DriverManager.getConnection(jdbcUrl, user, password);
                connections.add(conn);
                owners.add(accountWithBook(conn));
            }
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            CpuMeter.Reading cpuStart = CpuMeter.read();
            for (int t = 0; t < threads; t++) {
                Connection conn = connections.get(t);
                UUID[] owner = owners.get(t);
                Workload workload = new Workload(100 + t);
                writers.add(pool.submit(() -> upsertBatches(conn, shape, workload, owner[0], owner[1], deadline)));
            }
            long batches = 0;
            for (Future<Long> writer : writers) {
                batches += writer.get(10, TimeUnit.MINUTES);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            CpuMeter.Reading used = CpuMeter.read().minus(cpuStart);
            for (Connection conn : connections) {
                conn.close();
            }
            double written = batches * 50.0;
            return new Raw(written / elapsed, used.postgresSeconds() * 1e6 / written);
        } finally {
            pool.shutdownNow();
        }
    }

    private static UUID[] accountWithBook(Connection conn) throws Exception {
        UUID account = Workload.id();
        UUID book = Workload.id();
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO accounts (id, name, enrollment_key_hash) VALUES (?, 'raw baseline', ?)")) {
            ps.setObject(1, account);
            ps.setBytes(2, account.toString().getBytes());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO books (account_id, id, name, version, device_id,"
                + " updated_at, synced_at, position) VALUES (?, ?, 'b', 1, ?, now(), now(), 0)")) {
            ps.setObject(1, account);
            ps.setObject(2, book);
            ps.setObject(3, account);
            ps.executeUpdate();
        }
        return new UUID[] {account, book};
    }

    /** Commits 50-row transactions until {@code deadline} (a {@link System#nanoTime()}); returns how many. */
    private static long upsertBatches(Connection conn, Rows shape, Workload workload, UUID account, UUID book,
            long deadline) throws Exception {
        conn.setAutoCommit(false);
        Map<String, PreparedStatement> statements = new HashMap<>();
        List<String> inks = shape == Rows.SEED_SYNC ? inkPool(workload) : List.of();
        long[] position = {1};
        long batches = 0;
        try {
            do {
                List<TableRows> batch = shape == Rows.SEED_SYNC ? seedSyncBatch(inks, position)
                        : eventsBatch(book, position);
                int applied = 0;
                for (TableRows rows : batch) {
                    PreparedStatement ps = statements.get(rows.table());
                    if (ps == null) {
                        ps = conn.prepareStatement(rows.upsertSql());
                        statements.put(rows.table(), ps);
                    }
                    applied += rows.upsert(conn, ps, account);
                    if (shape == Rows.EVENTS_AUDITED) {
                        PreparedStatement audit = statements.get("sync_log");
                        if (audit == null) {
                            audit = conn.prepareStatement(TableRows.AUDIT_SQL);
                            statements.put("sync_log", audit);
                        }
                        rows.audit(conn, audit, account);
                    }
                }
                if (applied != 50) {
                    throw new IllegalStateException("raw baseline applied " + applied + " of 50");
                }
                conn.commit();
                batches++;
            } while (System.nanoTime() < deadline);
            return batches;
        } finally {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        }
    }

    private static List<TableRows> eventsBatch(UUID book, long[] position) {
        TableRows events = TableRows.events();
        for (int i = 0; i < 50; i++) {
            events.add(Workload.id(), position[0]++, book.toString(), "Check-up " + i, "R-" + i, "visit",
                    "2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z");
        }
        return List.of(events);
    }

    /**
     * Strokes of the workload's notes as ink bytes in PostgreSQL's hex form, encoded before the clock starts: the
     * applier gets them encoded (the gateway converts JSON strokes once, at the edge), so the baseline must not pay it.
     */
    private static List<String> inkPool(Workload workload) {
        List<String> inks = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] ink = InkCodec.encodeJson(workload.strokes(5000).getBytes(StandardCharsets.UTF_8));
            inks.add("\\x" + HexFormat.of().formatHex(ink));
        }
        return inks;
    }

    /**
     * The rows of {@link Workload#mixedSync(int)} for n = 50, parents before children as the applier writes them;
     * strokes from {@code inks} ({@link #inkPool}).
     */
    private static List<TableRows> seedSyncBatch(List<String> inks, long[] position) {
        TableRows books = new TableRows("books", List.of("name", "archived"), List.of("text", "boolean"));
        TableRows events = TableRows.events();
        // A note's row keeps its event's book, as the applier writes it (never in the note's data on the wire).
        TableRows notes = new TableRows("notes", List.of("event_id", "strokes_ink", "book_id"),
                List.of("uuid", "bytea", "uuid"));
        TableRows drawings = new TableRows("schedule_drawings", List.of("book_id", "date", "view_mode", "strokes_ink"),
                List.of("uuid", "date", "integer", "bytea"));
        UUID book = Workload.id();
        books.add(book, position[0]++, "Clinic " + position[0], "false");
        List<UUID> eventIds = new ArrayList<>();
        for (int n = 1; n < 50; n++) {
            int slot = n % 10;
            if (slot < 4 || eventIds.isEmpty()) {
                UUID event = Workload.id();
                eventIds.add(event);
                events.add(event, position[0]++, book.toString(), "Check-up " + n, "R-" + n, "visit",
                        "2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z");
            } else if (slot == 9) {
                drawings.add(Workload.id(), position[0]++, book.toString(), "2026-11-" + (10 + n % 18),
                        Integer.toString(n % 3), inks.get((int) (position[0] % inks.size())));
            } else {
                notes.add(Workload.id(), position[0]++, eventIds.get(n % eventIds.size()).toString(),
                        inks.get((int) (position[0] % inks.size())), book.toString());
            }
        }
        return List.of(books, events, notes, drawings);
    }

    /** One table's rows of a baseline transaction, written by one version-checked {@code INSERT … SELECT unnest}. */
    private record TableRows(String table, List<String> columns, List<String> types, List<List<String>> values) {
        /** One audit row per upserted row, as the applier appends them (decided now, by a device of its own). */
        static final String AUDIT_SQL = "INSERT INTO sync_log (account_id, change_id, device_id, table_name, record_id,"
                + " op, base_version, result_version, status, data, position, received_at, decided_at)"
                + " SELECT ?::uuid, gen_random_uuid(), ?::uuid, ?, u.id::uuid, 'upsert', u.base::bigint,"
                + " u.base::bigint + 1, 'applied', u.data, u.pos::bigint, now(), now()"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS u(id, pos, base, data)";

        TableRows(String table, List<String> columns, List<String> types) {
            this(table, columns, types, new ArrayList<>());
        }

        static TableRows events() {
            return new TableRows("events", List.of("book_id", "name", "record_number", "event_type", "start_time",
                    "end_time"), List.of("uuid", "text", "text", "text", "timestamptz", "timestamptz"));
        }

        void add(UUID id, long position, String... data) {
            List<String> row = new ArrayList<>(List.of(id.toString(), Long.toString(position), "0"));
            row.addAll(List.of(data));
            values.add(row);
        }

        String upsertSql() {
            StringBuilder names = new StringBuilder();
            StringBuilder selected = new StringBuilder();
            StringBuilder aliases = new StringBuilder();
            StringBuilder updates = new StringBuilder();
            for (int c = 0; c < columns.size(); c++) {
                String column = columns.get(c);
                names.append(", ").append(column);
                selected.append(", u.c").append(c).append("::").append(types.get(c));
                aliases.append(", c").append(c);
                updates.append(column).append(" = EXCLUDED.").append(column).append(", ");
            }
            String arrays = ", ?::text[]".repeat(columns.size() + 3).substring(2);
            return "INSERT INTO " + table + " (account_id, id" + names + ", version, is_deleted, device_id, updated_at,"
                    + " synced_at, position) SELECT ?::uuid, u.id::uuid" + selected + ", u.base::bigint + 1, false,"
                    + " ?::uuid, now(), now(), u.pos::bigint FROM unnest(" + arrays + ") AS u(id, pos, base" + aliases
                    + ") ON CONFLICT (account_id, id) DO UPDATE SET " + updates + "version = EXCLUDED.version,"
                    + " position = EXCLUDED.position, updated_at = EXCLUDED.updated_at WHERE " + table
                    + ".version = EXCLUDED.version - 1 RETURNING id";
        }

        /** Appends the audit rows of these rows to {@code sync_log}, their data as the record's JSON. */
        void audit(Connection conn, PreparedStatement ps, UUID account) throws Exception {
            if (values.isEmpty()) {
                return;
            }
            String[][] columns = new String[4][values.size()];
            for (int r = 0; r < values.size(); r++) {
                List<String> row = values.get(r);
                ObjectNode data = Json.MAPPER.createObjectNode();
                for (int c = 0; c < this.columns.size(); c++) {
                    String value = row.get(3 + c);
                    if (types.get(c).equals("bytea")) { // sync_log's data holds strokes_ink as base64, as on the wire
                        data.put(this.columns.get(c), InkCodec.toBase64(HexFormat.of().parseHex(value.substring(2))));
                    } else if (!(table.equals("notes") && this.columns.get(c).equals("book_id"))) { // not the note's data
                        data.put(this.columns.get(c), value);
                    }
                }
                columns[0][r] = row.get(0);
                columns[1][r] = row.get(1);
                columns[2][r] = row.get(2);
                columns[3][r] = data.toString();
            }
            ps.setString(1, account.toString());
            ps.setString(2, account.toString());
            ps.setString(3, table);
            for (int c = 0; c < columns.length; c++) {
                ps.setArray(4 + c, conn.createArrayOf("text", columns[c]));
            }
            ps.executeUpdate();
        }

        /** Runs the upsert, returning how many rows passed the version check. */
        int upsert(Connection conn, PreparedStatement ps, UUID account) throws Exception {
            if (values.isEmpty()) {
                return 0;
            }
            ps.setString(1, account.toString());
            ps.setString(2, account.toString());
            for (int c = 0; c < values.get(0).size(); c++) {
                Object[] column = new Object[values.size()];
                for (int r = 0; r < values.size(); r++) {
                    column[r] = values.get(r).get(c);
                }
                Array array = conn.createArrayOf("text", column);
                ps.setArray(3 + c, array);
            }
            int applied = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    applied++;
                }
            }
            return applied;
        }
    }

    /** Change events per second produced with {@code acks=all} and idempotence, as the gateway produces them. */
    static double kafkaProduce(Map<String, Object> client, int records) throws Exception {
        String topic = "bench.produce." + Workload.id().toString().substring(24);
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topic, PRODUCE_PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Workload workload = new Workload(3);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            UUID account = Workload.id();
            values.add(ChangeEventCodec.encode(new ChangeEvent(Workload.id(), account, account, SyncTable.EVENTS,
                    ChangeOp.UPSERT, Workload.id(), 0, workload.event(Workload.id()), Instant.now())));
        }
        try (EventProducer producer = new EventProducer(client, Map.of())) {
            // One record at a time into each new partition first: a burst into a partition the broker has not made
            // leader yet can have its first request overtaken and then refused for good (KAFKA-15591).
            for (int p = 0; p < PRODUCE_PARTITIONS; p++) {
                producer.sendAndWait(new ProducerRecord<>(topic, p, "warm", values.get(0)));
            }
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i % 512), values.get(i % values.size())));
            }
            producer.flush("Kafka baseline");
            double seconds = (System.nanoTime() - start) / 1e9;
            return records / seconds;
        }
    }
}

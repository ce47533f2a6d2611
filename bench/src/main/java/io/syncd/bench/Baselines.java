package io.syncd.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.SyncTable;

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

    /** Rows per second of version-checked 50-row upserts into {@code events}, with {@code threads} writers. */
    double rawPostgres(int rows, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            List<Connection> connections = new ArrayList<>();
            List<UUID[]> owners = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Connection conn = DriverManager.getConnection(jdbcUrl, user, password);
                connections.add(conn);
                owners.add(accountWithBook(conn));
            }
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Connection conn = connections.get(t);
                UUID[] owner = owners.get(t);
                int share = rows / threads;
                writers.add(pool.submit(() -> {
                    upsertBatches(conn, owner[0], owner[1], share);
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(10, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (Connection conn : connections) {
                conn.close();
            }
            return (rows / threads * threads) / seconds;
        } finally {
            pool.shutdownNow();
        }
    }

    private static UUID[] accountWithBook(Connection conn) throws Exception {
        UUID account = UUID.randomUUID();
        UUID book = UUID.randomUUID();
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

    private void upsertBatches(Connection conn, UUID account, UUID book, int rows) throws Exception {
        conn.setAutoCommit(false);
        String sql = """
                INSERT INTO events (account_id, id, book_id, name, record_number, event_type, start_time, end_time,
                    is_removed, removal_reason, version, is_deleted, device_id, updated_at, synced_at, position)
                SELECT ?::uuid, u.id::uuid, ?::uuid, u.name, u.rn, 'visit', u.st::timestamptz, u.et::timestamptz,
                    false, null, u.base::bigint + 1, false, ?::uuid, now(), now(), u.pos::bigint
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    AS u(id, name, rn, st, et, base, pos)
                ON CONFLICT (account_id, id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version,
                    position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
                    WHERE events.version = EXCLUDED.version - 1
                RETURNING id
                """;
        long position = 1;
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int done = 0; done < rows; done += 50) {
                List<List<String>> columns = new ArrayList<>();
                for (int c = 0; c < 7; c++) {
                    columns.add(new ArrayList<>(50));
                }
                for (int i = 0; i < 50; i++) {
                    columns.get(0).add(UUID.randomUUID().toString());
                    columns.get(1).add("Check-up " + i);
                    columns.get(2).add("R-" + i);
                    columns.get(3).add("2026-11-24T09:00:00Z");
                    columns.get(4).add("2026-11-24T10:00:00Z");
                    columns.get(5).add("0");
                    columns.get(6).add(Long.toString(position++));
                }
                ps.setString(1, account.toString());
                ps.setString(2, book.toString());
                ps.setString(3, account.toString());
                for (int c = 0; c < 7; c++) {
                    Array array = conn.createArrayOf("text", columns.get(c).toArray());
                    ps.setArray(4 + c, array);
                }
                int applied = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        applied++;
                    }
                }
                if (applied != 50) {
                    throw new IllegalStateException("raw baseline applied " + applied + " of 50");
                }
                conn.commit();
            }
        }
    }

    /** Change events per second produced with {@code acks=all} and idempotence, as the gateway produces them. */
    static double kafkaProduce(String bootstrap, int records) throws Exception {
        String topic = "bench.produce." + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PRODUCE_PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Workload workload = new Workload(3);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            UUID account = UUID.randomUUID();
            values.add(ChangeEventCodec.encode(new ChangeEvent(UUID.randomUUID(), account, account, SyncTable.EVENTS,
                    ChangeOp.UPSERT, UUID.randomUUID(), 0, workload.event(UUID.randomUUID()), Instant.now())));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            // One record at a time into each new partition first: a burst into a partition the broker has not made
            // leader yet can have its first request overtaken and then refused for good (KAFKA-15591).
            for (int p = 0; p < PRODUCE_PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(topic, p, "warm", values.get(0))).get(30, TimeUnit.SECONDS);
            }
            AtomicReference<Exception> failure = new AtomicReference<>();
            AtomicLong acknowledged = new AtomicLong();
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i % 512), values.get(i % values.size())),
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            } else {
                                acknowledged.incrementAndGet();
                            }
                        });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null || acknowledged.get() != records) {
                throw new IllegalStateException("Kafka baseline: " + acknowledged.get() + " of " + records
                        + " records acknowledged", failure.get());
            }
            return records / seconds;
        }
    }
}

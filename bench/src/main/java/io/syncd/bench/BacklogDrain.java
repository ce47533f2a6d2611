package io.syncd.bench;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.syncd.applier.ApplierRole;
import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeEventCodec;
import io.syncd.common.ChangeOp;
import io.syncd.common.SyncTable;
import io.syncd.standalone.SyncServer;
import io.syncd.standalone.embedded.EmbeddedDatabase;
import io.syncd.standalone.embedded.JoinSettings;
import tools.jackson.databind.JsonNode;

/**
 * The applier on its own: the sustained load's events queued on Kafka while no applier runs (as after an applier
 * outage), then decided by a fresh applier in this JVM while the gateway and the clients are idle. Against the
 * PostgreSQL baselines this is what the Kafka hop and the decisions cost, without HTTP and the load's client on the
 * same cores.
 */
final class BacklogDrain {
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);
    private static final int PUSH = 50;

    private final SyncServer server;
    private final BenchClient client;
    private final Path dataDir;
    private final List<String> serverArgs;

    /**
     * What a drain measured.
     *
     * @param changes changes queued, every one decided {@code applied}
     * @param perSecond changes decided per second, from the first batch's decision to the last's ({@code sync_log})
     * @param jvmCpuMicros CPU µs of this JVM per change decided after the applier had started (NaN when the drain was
     *                     mostly over by then)
     * @param postgresCpuMicros CPU µs of PostgreSQL per change over the same time
     */
    record Drained(long changes, double perSecond, double jvmCpuMicros, double postgresCpuMicros) {
    }

    /** One device of its own account, and the book its events belong to. */
    private record Device(UUID accountId, UUID deviceId, UUID bookId) {
    }

    BacklogDrain(SyncServer server, BenchClient client, Path dataDir, List<String> serverArgs) {
        this.server = server;
        this.client = client;
        this.dataDir = dataDir;
        this.serverArgs = serverArgs;
    }

    /**
     * Stops the server's applier, queues {@code changes} events of {@code devices} devices on Kafka as the gateway
     * would, then starts an applier-only context on the same Kafka and PostgreSQL and waits until it decided them all.
     * The server has no applier of its own afterwards: run this last.
     */
    Drained run(int devices, int changes) throws Exception {
        List<Device> owners = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            owners.add(device());
        }
        server.context().getBean(ApplierRole.class).stop();
        queue(owners, changes);

        EmbeddedDatabase database = server.infrastructure().database();
        List<String> args = new ArrayList<>(List.of("--sync.roles=applier", "--server.port=0",
                "--sync.data-dir=" + dataDir.resolve("drain-applier"),
                "--spring.config.import=file:" + dataDir.resolve(JoinSettings.FILE), "--logging.level.root=WARN",
                "--logging.level.io.syncd=WARN", "--spring.main.banner-mode=off"));
        args.addAll(serverArgs);
        try (SyncServer applier = SyncServer.start(args.toArray(String[]::new))) {
            MeterRegistry meters = applier.context().getBean(MeterRegistry.class);
            long startDecided = decided(meters);
            CpuMeter.Reading cpuStart = CpuMeter.read();
            long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
            while (decided(meters) < changes) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the applier decided " + decided(meters) + " of " + changes
                            + " queued changes within " + DRAIN_LIMIT);
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
            CpuMeter.Reading cpu = CpuMeter.read().minus(cpuStart);
            long measured = changes - startDecided;
            boolean mostlyMeasured = measured >= changes / 2;
            double perSecond = perSecond(database, owners, changes);
            return new Drained(changes, perSecond, mostlyMeasured ? cpu.jvmSeconds() * 1e6 / measured : Double.NaN,
                    mostlyMeasured ? cpu.postgresSeconds() * 1e6 / measured : Double.NaN);
        }
    }

    /** A new account with one device and one book, decided by the server's own applier. */
    private Device device() {
        JsonNode account = client.post("/api/accounts", null, "{\"name\":\"bench-drain\"}").body();
        JsonNode device = client.post("/api/devices/register", null, "{\"enrollment_key\":\""
                + account.get("enrollment_key").stringValue() + "\",\"device_name\":\"bench\"}").body();
        UUID book = Workload.id();
        client.push(device.get("device_token").stringValue(),
                Workload.push(List.of(Workload.change("books", book, 0, Workload.book("drain")))));
        return new Device(UUID.fromString(device.get("account_id").stringValue()),
                UUID.fromString(device.get("device_id").stringValue()), book);
    }

    /** Queues the events as the gateway does: keyed by account, its producer settings; pushes of 50 in turn. */
    private void queue(List<Device> owners, int changes) {
        List<Workload> workloads = new ArrayList<>();
        for (int d = 0; d < owners.size(); d++) {
            workloads.add(new Workload(d));
        }
        try (EventProducer producer = new EventProducer(server.infrastructure().kafka().clientProperties(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 1, ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024))) {
            for (int i = 0; i < changes; i++) {
                int device = (i / PUSH) % owners.size();
                Device owner = owners.get(device);
                ChangeEvent event = new ChangeEvent(Workload.id(), owner.accountId(), owner.deviceId(), SyncTable.EVENTS,
                        ChangeOp.UPSERT, Workload.id(), 0, workloads.get(device).event(owner.bookId()), Instant.now());
                producer.send(new ProducerRecord<>(SyncTable.EVENTS.topic(), owner.accountId().toString(),
                        ChangeEventCodec.encode(event)));
            }
            producer.flush("queueing the backlog");
        }
    }

    /** Changes the applier consumers of this registry have decided. */
    private static long decided(MeterRegistry meters) {
        return (long) Search.in(meters).name("syncd.applier.batch.changes").summaries().stream()
                .mapToDouble(summary -> summary.totalAmount()).sum();
    }

    /** Checks every queued change was applied; the rate between the first and the last batch's decision. */
    private static double perSecond(EmbeddedDatabase database, List<Device> owners, int changes) throws Exception {
        try (Connection conn = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
             PreparedStatement ps = conn.prepareStatement("SELECT count(*) FILTER (WHERE status = 'applied'),"
                     + " extract(epoch FROM max(decided_at) - min(decided_at)) FROM sync_log"
                     + " WHERE account_id = ANY(?) AND table_name = 'events'")) {
            Array accounts = conn.createArrayOf("uuid", owners.stream().map(Device::accountId).toArray());
            ps.setArray(1, accounts);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long applied = rs.getLong(1);
                double seconds = rs.getDouble(2);
                if (applied != changes) {
                    throw new IllegalStateException("of " + changes + " queued changes " + applied + " were applied");
                }
                return changes / Math.max(seconds, 1e-3);
            }
        }
    }
}

package io.syncd.projector.stats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.common.Topics;
import io.syncd.common.TrafficEvent;

/**
 * Folds polled traffic events into {@code stats_traffic}, and the next offset of each partition into
 * {@code stats_cursors}, in one transaction: the offsets live with the counts, so after a crash or a restart every
 * event is counted exactly once. The cursor rows are locked first and events below a stored offset are skipped, so
 * two projectors reading the same partitions still count each event once.
 */
final class TrafficFold {
    private static final Logger log = LoggerFactory.getLogger(TrafficFold.class);

    private final JdbcClient jdbc;
    private final StatsTransactions transactions;

    TrafficFold(JdbcClient jdbc, StatsTransactions transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Makes sure each partition has a cursor row (so folds can lock it) and returns where each one stands. */
    Map<Integer, Long> cursors(List<Integer> partitions) {
        return transactions.run(() -> {
            for (int partition : partitions) {
                jdbc.sql("INSERT INTO stats_cursors (source, part, position) VALUES (:source, :part, 0)"
                                + " ON CONFLICT (source, part) DO NOTHING")
                        .param("source", Topics.TRAFFIC).param("part", partition).update();
            }
            Map<Integer, Long> positions = new HashMap<>();
            jdbc.sql("SELECT part, position FROM stats_cursors WHERE source = :source")
                    .param("source", Topics.TRAFFIC)
                    .query(rs -> {
                        positions.put(rs.getInt(1), rs.getLong(2));
                    });
            return positions;
        });
    }

    /** Folds the records in; returns each partition's next offset to read, as stored. */
    Map<Integer, Long> fold(ConsumerRecords<byte[], byte[]> records) {
        return transactions.run(() -> {
            Map<Integer, Long> next = new HashMap<>();
            jdbc.sql("SELECT part, position FROM stats_cursors WHERE source = :source ORDER BY part FOR UPDATE")
                    .param("source", Topics.TRAFFIC)
                    .query(rs -> {
                        next.put(rs.getInt(1), rs.getLong(2));
                    });
            Map<Integer, Long> moved = new HashMap<>();
            Map<List<UUID>, long[]> sums = new HashMap<>();
            Map<List<UUID>, Instant> last = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                long stored = next.getOrDefault(record.partition(), 0L);
                if (record.offset() < stored) {
                    continue; // counted already (by another projector, or before a rewind)
                }
                next.put(record.partition(), record.offset() + 1);
                moved.put(record.partition(), record.offset() + 1);
                TrafficEvent event;
                try {
                    event = TrafficEvent.decode(record.value());
                } catch (IllegalArgumentException e) {
                    log.warn("Skipped {}-{}@{}: {}", Topics.TRAFFIC, record.partition(), record.offset(), e.getMessage());
                    continue;
                }
                List<UUID> key = List.of(event.accountId(), event.deviceId());
                long[] s = sums.computeIfAbsent(key, k -> new long[4]);
                s[0] += event.pushes();
                s[1] += event.pulls();
                s[2] += event.bytesIn();
                s[3] += event.bytesOut();
                last.merge(key, event.at(), (a, b) -> a.isAfter(b) ? a : b);
            }
            upsert(sums, last);
            moved.forEach((partition, position) -> jdbc.sql(
                            "UPDATE stats_cursors SET position = :position WHERE source = :source AND part = :part")
                    .param("position", position).param("source", Topics.TRAFFIC).param("part", partition).update());
            return next;
        });
    }

    private void upsert(Map<List<UUID>, long[]> sums, Map<List<UUID>, Instant> last) {
        if (sums.isEmpty()) {
            return;
        }
        List<String> accounts = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        List<Long> pushes = new ArrayList<>();
        List<Long> pulls = new ArrayList<>();
        List<Long> bytesIn = new ArrayList<>();
        List<Long> bytesOut = new ArrayList<>();
        List<String> times = new ArrayList<>();
        sums.forEach((key, s) -> {
            accounts.add(key.get(0).toString());
            devices.add(key.get(1).toString());
            pushes.add(s[0]);
            pulls.add(s[1]);
            bytesIn.add(s[2]);
            bytesOut.add(s[3]);
            times.add(last.get(key).toString());
        });
        jdbc.sql("""
                        INSERT INTO stats_traffic AS s (account_id, device_id, pushes, pulls, bytes_in, bytes_out, last_sync_at)
                        SELECT a, d, p, l, bi, bo, t::timestamptz
                        FROM unnest(CAST(:accounts AS uuid[]), CAST(:devices AS uuid[]), CAST(:pushes AS bigint[]),
                            CAST(:pulls AS bigint[]), CAST(:in AS bigint[]), CAST(:out AS bigint[]),
                            CAST(:times AS text[])) AS u(a, d, p, l, bi, bo, t)
                        ON CONFLICT (account_id, device_id) DO UPDATE SET
                            pushes = s.pushes + EXCLUDED.pushes,
                            pulls = s.pulls + EXCLUDED.pulls,
                            bytes_in = s.bytes_in + EXCLUDED.bytes_in,
                            bytes_out = s.bytes_out + EXCLUDED.bytes_out,
                            last_sync_at = greatest(s.last_sync_at, EXCLUDED.last_sync_at)
                        """)
                .param("accounts", accounts.toArray(String[]::new))
                .param("devices", devices.toArray(String[]::new))
                .param("pushes", pushes.toArray(Long[]::new))
                .param("pulls", pulls.toArray(Long[]::new))
                .param("in", bytesIn.toArray(Long[]::new))
                .param("out", bytesOut.toArray(Long[]::new))
                .param("times", times.toArray(String[]::new))
                .update();
    }
}

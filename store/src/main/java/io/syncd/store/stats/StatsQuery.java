package io.syncd.store.stats;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the statistics the projector keeps ({@code stats_decisions}, {@code stats_traffic}) and sums them per
 * table, device and account: a handful of rows per device, never a scan of {@code sync_log}. Used by
 * {@code GET /api/sync/stats} (one account) and {@code GET /api/admin/stats} (all, or one account).
 */
public final class StatsQuery {
    private final JdbcClient jdbc;

    public StatsQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Figures of one account: {@code account_id}, {@code totals}, {@code tables}, {@code devices}. */
    public ObjectNode forAccount(UUID accountId) {
        Sums sums = read(accountId);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("account_id", accountId.toString());
        out.set("totals", sums.totals.toJson(false));
        out.set("tables", sums.totals.tablesJson());
        out.set("devices", sums.devicesJson());
        return out;
    }

    /** Figures of every account (or of one, when {@code accountId} is given): totals, tables, accounts, devices. */
    public ObjectNode all(UUID accountId) {
        Sums sums = read(accountId);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("totals", sums.totals.toJson(false));
        out.set("tables", sums.totals.tablesJson());
        ArrayNode accounts = out.putArray("accounts");
        sums.accounts.forEach((id, figures) -> {
            ObjectNode account = accounts.addObject().put("account_id", id.toString());
            account.setAll(figures.toJson(true));
        });
        out.set("devices", sums.devicesJson());
        return out;
    }

    private Sums read(UUID accountId) {
        String where = accountId == null ? "" : " WHERE account_id = :account";
        Sums sums = new Sums();
        var decisions = jdbc.sql("SELECT account_id, device_id, table_name, applied, cascaded, conflicts, rejected,"
                + " use_server FROM stats_decisions" + where);
        var traffic = jdbc.sql("SELECT account_id, device_id, pushes, pulls, bytes_in, bytes_out, last_sync_at"
                + " FROM stats_traffic" + where);
        if (accountId != null) {
            decisions = decisions.param("account", accountId);
            traffic = traffic.param("account", accountId);
        }
        decisions.query(rs -> {
            long[] counts = {rs.getLong("applied"), rs.getLong("cascaded"), rs.getLong("conflicts"), rs.getLong("rejected"),
                    rs.getLong("use_server")};
            String table = rs.getString("table_name");
            sums.each(rs.getObject("account_id", UUID.class), rs.getObject("device_id", UUID.class),
                    f -> f.addDecisions(table, counts));
        });
        traffic.query(rs -> {
            OffsetDateTime lastSync = rs.getObject("last_sync_at", OffsetDateTime.class);
            Instant last = lastSync == null ? null : lastSync.toInstant();
            long[] counts = {rs.getLong("pushes"), rs.getLong("pulls"), rs.getLong("bytes_in"), rs.getLong("bytes_out")};
            sums.each(rs.getObject("account_id", UUID.class), rs.getObject("device_id", UUID.class),
                    f -> f.addTraffic(counts, last));
        });
        return sums;
    }

    /** The figures summed at every level. */
    private static final class Sums {
        private final Figures totals = new Figures();
        private final Map<UUID, Figures> accounts = new TreeMap<>();
        private final Map<UUID, UUID> deviceAccounts = new TreeMap<>();
        private final Map<UUID, Figures> devices = new TreeMap<>();

        void each(UUID accountId, UUID deviceId, java.util.function.Consumer<Figures> add) {
            add.accept(totals);
            add.accept(accounts.computeIfAbsent(accountId, a -> new Figures()));
            deviceAccounts.put(deviceId, accountId);
            add.accept(devices.computeIfAbsent(deviceId, d -> new Figures()));
        }

        ArrayNode devicesJson() {
            ArrayNode list = Json.MAPPER.createArrayNode();
            devices.forEach((id, figures) -> {
                ObjectNode device = list.addObject().put("device_id", id.toString())
                        .put("account_id", deviceAccounts.get(id).toString());
                device.setAll(figures.toJson(true));
            });
            return list;
        }
    }

    /** Counters of one level: decisions per table, requests and bytes. */
    private static final class Figures {
        private static final String[] DECISIONS = {"applied", "cascaded", "conflicts", "rejected", "use_server"};
        private static final String[] TRAFFIC = {"pushes", "pulls", "bytes_in", "bytes_out"};

        private final Map<String, long[]> tables = new LinkedHashMap<>();
        private final long[] traffic = new long[TRAFFIC.length];
        private Instant lastSync;

        Figures() {
            for (SyncTable table : SyncTable.values()) {
                tables.put(table.wireName(), new long[DECISIONS.length]);
            }
        }

        void addDecisions(String table, long[] counts) {
            long[] sums = tables.computeIfAbsent(table, t -> new long[DECISIONS.length]);
            for (int i = 0; i < counts.length; i++) {
                sums[i] += counts[i];
            }
        }

        void addTraffic(long[] counts, Instant last) {
            for (int i = 0; i < counts.length; i++) {
                traffic[i] += counts[i];
            }
            if (last != null && (lastSync == null || last.isAfter(lastSync))) {
                lastSync = last;
            }
        }

        ObjectNode toJson(boolean withTables) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            for (int i = 0; i < DECISIONS.length; i++) {
                long sum = 0;
                for (long[] counts : tables.values()) {
                    sum += counts[i];
                }
                out.put(DECISIONS[i], sum);
            }
            for (int i = 0; i < TRAFFIC.length; i++) {
                out.put(TRAFFIC[i], traffic[i]);
            }
            out.put("last_sync_at", lastSync == null ? null : lastSync.toString());
            if (withTables) {
                out.set("tables", tablesJson());
            }
            return out;
        }

        ObjectNode tablesJson() {
            ObjectNode out = Json.MAPPER.createObjectNode();
            tables.forEach((table, counts) -> {
                ObjectNode t = out.putObject(table);
                for (int i = 0; i < DECISIONS.length; i++) {
                    t.put(DECISIONS[i], counts[i]);
                }
            });
            return out;
        }
    }
}

package io.syncd.store.synclog;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.common.ChangeResult;
import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import tools.jackson.databind.JsonNode;

/** Reads of {@code sync_log} outside the applier (whose writes are {@link SyncLogTable}): a change's first decision, as the protocol's result object. */
public class DecisionsTable {
    private final JdbcClient jdbc;

    public DecisionsTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Map<UUID, ChangeResult> find(UUID accountId, Collection<UUID> changeIds) {
        Map<UUID, ChangeResult> results = new HashMap<>();
        if (changeIds.isEmpty()) {
            return results;
        }
        jdbc.sql("""
                        SELECT change_id, status, table_name, record_id, result_version, error_code, error_message,
                               server_record, op
                        FROM sync_log WHERE account_id = :account AND change_id = ANY(CAST(:ids AS uuid[]))
                        """)
                .param("account", accountId)
                .param("ids", changeIds.stream().map(UUID::toString).toArray(String[]::new))
                .query(rs -> {
                    UUID changeId = rs.getObject("change_id", UUID.class);
                    String status = rs.getString("status");
                    Long version = null;
                    JsonNode serverRecord = null;
                    ChangeResult.Error error = null;
                    switch (status) {
                        case "applied" -> {
                            version = rs.getLong("result_version");
                            if ("use_server".equals(rs.getString("op"))) {
                                serverRecord = serverRecord(rs.getString("server_record"));
                            }
                        }
                        case "conflict" -> serverRecord = serverRecord(rs.getString("server_record"));
                        default -> error = ChangeResult.Error.of(SyncTable.fromWireName(rs.getString("table_name")).orElse(null),
                                rs.getString("error_code"), rs.getString("error_message"));
                    }
                    results.put(changeId, new ChangeResult(changeId.toString(), status, rs.getString("table_name"),
                            rs.getObject("record_id", UUID.class).toString(), version, serverRecord, error));
                });
        return results;
    }

    /** How many decisions the device's changes have. */
    public long countByDevice(UUID accountId, UUID deviceId) {
        return jdbc.sql("SELECT count(*) FROM sync_log WHERE account_id = :account AND device_id = :device")
                .param("account", accountId).param("device", deviceId).query(Long.class).single();
    }

    /** How many of one device's changes were decided how, per table and status. */
    public record StatusCount(String table, String status, long count) {
    }

    public List<StatusCount> statusCounts(UUID accountId, UUID deviceId) {
        return jdbc.sql("SELECT table_name, status, count(*) FROM sync_log WHERE account_id = :account"
                        + " AND device_id = :device GROUP BY table_name, status")
                .param("account", accountId).param("device", deviceId)
                .query((rs, n) -> new StatusCount(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .list();
    }

    /** A change of a device that was not applied. */
    public record Refusal(String table, UUID recordId, String status, String errorCode, String errorMessage) {
    }

    /** The device's changes that were not applied, by table and record, at most {@code limit}. */
    public List<Refusal> refusals(UUID accountId, UUID deviceId, int limit) {
        return jdbc.sql("SELECT table_name, record_id, status, error_code, error_message FROM sync_log"
                        + " WHERE account_id = :account AND device_id = :device AND status <> 'applied'"
                        + " ORDER BY table_name, record_id LIMIT :limit")
                .param("account", accountId).param("device", deviceId).param("limit", limit)
                .query((rs, n) -> new Refusal(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getString(4), rs.getString(5)))
                .list();
    }

    private static JsonNode serverRecord(String serverRecord) {
        return ChangeResult.serverRecord(serverRecord == null ? null : Json.MAPPER.readTree(serverRecord));
    }
}

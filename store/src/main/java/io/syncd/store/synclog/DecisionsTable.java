package io.syncd.store.synclog;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.syncd.common.ChangeResult;
import io.syncd.common.Json;
import tools.jackson.databind.JsonNode;

/** Reads of {@code sync_log} for the devices: a change's first decision, as the protocol's result object. */
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
                        default -> error = new ChangeResult.Error(rs.getString("error_code"), rs.getString("error_message"));
                    }
                    results.put(changeId, new ChangeResult(changeId.toString(), status, rs.getString("table_name"),
                            rs.getObject("record_id", UUID.class).toString(), version, serverRecord, error));
                });
        return results;
    }

    private static JsonNode serverRecord(String serverRecord) {
        return ChangeResult.serverRecord(serverRecord == null ? null : Json.MAPPER.readTree(serverRecord));
    }
}

package io.syncd.gateway.push;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.syncd.common.Json;
import tools.jackson.databind.node.ObjectNode;

/** The gateway's reads of {@code sync_log}: a change's first decision, as the protocol's result object. */
@Repository
class DecisionsTable {
    private final JdbcClient jdbc;

    DecisionsTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Map<UUID, ObjectNode> find(UUID accountId, Collection<UUID> changeIds) {
        Map<UUID, ObjectNode> results = new HashMap<>();
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
                    ObjectNode result = ChangeResults.base(changeId, rs.getString("status"), rs.getString("table_name"),
                            rs.getObject("record_id", UUID.class));
                    switch (rs.getString("status")) {
                        case "applied" -> {
                            result.put("version", rs.getLong("result_version"));
                            if ("use_server".equals(rs.getString("op"))) {
                                putRecord(result, rs.getString("server_record"));
                            }
                        }
                        case "conflict" -> putRecord(result, rs.getString("server_record"));
                        default -> result.putObject("error")
                                .put("code", rs.getString("error_code"))
                                .put("message", rs.getString("error_message"));
                    }
                    results.put(changeId, result);
                });
        return results;
    }

    private static void putRecord(ObjectNode result, String serverRecord) {
        if (serverRecord == null) {
            result.putNull("server_record");
        } else {
            result.set("server_record", Json.MAPPER.readTree(serverRecord));
        }
    }
}

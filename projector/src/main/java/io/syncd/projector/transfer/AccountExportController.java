package io.syncd.projector.transfer;

import java.io.OutputStream;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.syncd.common.Json;
import io.syncd.common.SyncTable;
import io.syncd.common.SyncedRecord;
import io.syncd.edge.errors.ApiException;

/**
 * {@code GET /api/admin/accounts/{id}/export}: the account's live records as NDJSON, one record envelope a line,
 * parents before children, streamed from one snapshot (a backup, or a move to another server).
 */
@RestController
class AccountExportController {
    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final JdbcTemplate jdbc;
    private final JdbcClient client;
    private final TransactionTemplate snapshot;

    AccountExportController(JdbcTemplate jdbc, JdbcClient client, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.client = client;
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    @GetMapping("/api/admin/accounts/{accountId}/export")
    ResponseEntity<StreamingResponseBody> export(@PathVariable UUID accountId) {
        boolean exists = client.sql("SELECT count(*) FROM accounts WHERE id = :id").param("id", accountId)
                .query(Long.class).single() > 0;
        if (!exists) {
            throw ApiException.notFound("no account " + accountId);
        }
        StreamingResponseBody body = out -> snapshot.executeWithoutResult(status -> {
            for (SyncTable table : SyncTable.values()) {
                write(out, table, accountId);
            }
        });
        return ResponseEntity.ok().contentType(NDJSON)
                .header("Content-Disposition", "attachment; filename=\"account-" + accountId + ".ndjson\"")
                .body(body);
    }

    private void write(OutputStream out, SyncTable table, UUID accountId) {
        jdbc.query(connection -> {
            var ps = connection.prepareStatement("SELECT " + SyncedRecord.columns(table) + " FROM " + table.wireName()
                    + " WHERE account_id = ? AND NOT is_deleted ORDER BY position");
            ps.setObject(1, accountId);
            // Stream with a cursor: an account can hold more than memory should.
            ps.setFetchSize(1000);
            return ps;
        }, rs -> {
            try {
                out.write(Json.MAPPER.writeValueAsBytes(SyncedRecord.read(table, rs).toEnvelope()));
                out.write('\n');
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}

package io.syncd.projector.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.syncd.common.Json;
import io.syncd.common.StrokesFormat;
import io.syncd.common.SyncTable;
import io.syncd.edge.changes.StrokesFormats;
import io.syncd.edge.errors.ApiException;
import io.syncd.store.accounts.AccountsTable;
import io.syncd.store.records.RecordReads;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/admin/accounts/{id}/export}: the account's live records as NDJSON, one record envelope a line,
 * parents before children, streamed from one snapshot (a backup, or a move to another server).
 */
@RestController
class AccountExportController {
    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final AccountsTable accounts;
    private final RecordReads records;
    private final TransactionTemplate snapshot;

    AccountExportController(AccountsTable accounts, DataSource dataSource, PlatformTransactionManager transactions) {
        this.accounts = accounts;
        // Stream with a cursor: an account can hold more than memory should.
        this.records = new RecordReads(dataSource, 1000);
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    @GetMapping("/api/admin/accounts/{accountId}/export")
    ResponseEntity<StreamingResponseBody> export(@PathVariable UUID accountId,
            @RequestParam(name = StrokesFormats.FIELD, required = false) String strokesFormat) {
        StrokesFormat format = StrokesFormats.fromQuery(strokesFormat);
        if (!accounts.exists(accountId)) {
            throw ApiException.notFound("no account " + accountId);
        }
        StreamingResponseBody body = out -> snapshot.executeWithoutResult(status -> {
            for (SyncTable table : SyncTable.values()) {
                records.forEachLive(table, accountId, record -> write(out, record.toEnvelope(format)));
            }
        });
        return ResponseEntity.ok().contentType(NDJSON)
                .header("Content-Disposition", "attachment; filename=\"account-" + accountId + ".ndjson\"")
                .body(body);
    }

    private static void write(OutputStream out, JsonNode envelope) {
        try {
            out.write(Json.MAPPER.writeValueAsBytes(envelope));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

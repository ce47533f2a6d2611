package io.syncd.projector.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.gateway.errors.ApiException;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /api/admin/accounts/{id}/import}: an export (NDJSON) loaded into an empty account (PROTOCOL.md, "Admin"). */
@RestController
class AccountImportController {
    private final AccountImport imports;

    AccountImportController(AccountImport imports) {
        this.imports = imports;
    }

    @PostMapping(path = "/api/admin/accounts/{accountId}/import", consumes = "application/x-ndjson")
    ObjectNode importAccount(@PathVariable UUID accountId, HttpServletRequest request) throws IOException {
        InputStream body = request.getInputStream();
        // A process without the gateway role has no filter decoding gzip bodies (with it, the header is gone by now).
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
            try {
                body = new GZIPInputStream(body, 64 * 1024);
            } catch (IOException e) {
                throw ApiException.invalid("", "body is not valid gzip");
            }
        }
        return imports.run(accountId, body);
    }
}

package io.syncd.projector.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.common.ContentCoding;
import io.syncd.edge.errors.ApiException;
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
        // A process without the gateway role has no filter decoding bodies (with it, the header is gone by now).
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (!ContentCoding.supported(encoding)) {
            throw ApiException.unsupportedEncoding(encoding);
        }
        try {
            body = ContentCoding.bodyDecoder(encoding, body);
        } catch (ContentCoding.MalformedBodyException e) {
            throw ApiException.invalid("", e.getMessage());
        }
        try (InputStream decoded = body) {
            return imports.run(accountId, decoded);
        }
    }
}

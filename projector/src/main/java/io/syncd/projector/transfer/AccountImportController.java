package io.syncd.projector.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.common.ContentCoding;
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
        // A process without the gateway role has no filter decoding bodies (with it, the header is gone by now).
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        Optional<ContentCoding> coding = ContentCoding.named(encoding);
        if (coding.isPresent()) {
            try {
                body = coding.get().decoder(body);
            } catch (ContentCoding.MalformedBodyException e) {
                throw ApiException.invalid("", e.getMessage());
            }
        } else if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Content-Encoding "
                    + encoding + " is not supported; use zstd, gzip or none");
        }
        try (InputStream decoded = body) {
            return imports.run(accountId, decoded);
        }
    }
}

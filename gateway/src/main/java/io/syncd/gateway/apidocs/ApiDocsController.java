package io.syncd.gateway.apidocs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The served contract: {@code GET /api/openapi.json}, the OpenAPI 3.1 document of every device and operator endpoint
 * (kept by hand beside PROTOCOL.md, checked against the running routes and {@code SyncTable} by the tests), and
 * {@code GET /api/docs}, Swagger UI over it. Neither takes a token: the contract is public, like PROTOCOL.md.
 */
@RestController
class ApiDocsController {
    static final String DOCUMENT = "apidocs/openapi.json";
    static final String PAGE = "apidocs/ui/index.html";

    private final byte[] document = read(DOCUMENT);
    private final byte[] page = read(PAGE);

    private static byte[] read(String path) {
        try (InputStream in = new ClassPathResource(path, ApiDocsController.class.getClassLoader()).getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway jar lacks " + path, e);
        }
    }

    @GetMapping(path = "/api/openapi.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> document() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(MediaType.APPLICATION_JSON).body(document);
    }

    /** The page's scripts and styles are relative ({@code docs/…}), served by {@link ApiDocsConfiguration}. */
    @GetMapping("/api/docs")
    ResponseEntity<byte[]> page() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache())
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8)).body(page);
    }
}

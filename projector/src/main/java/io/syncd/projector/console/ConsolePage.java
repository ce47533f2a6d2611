package io.syncd.projector.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.PathResourceResolver;

/**
 * {@code GET /admin}: the operator console, one page whose script and styles ({@code /admin/console.js},
 * {@code /admin/console.css}) come from this jar. The page holds no data and no token: its script asks the operator
 * for the admin token and calls {@code /api/admin/…} with it. The Content-Security-Policy lets the page load and
 * call nothing but this server, run no inline script, and be framed by no one.
 */
@RestController
class ConsolePage {
    static final String PAGE = "console/index.html";
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final byte[] page = read(PAGE);

    private static byte[] read(String path) {
        try (InputStream in = new ClassPathResource(path, ConsolePage.class.getClassLoader()).getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the projector jar lacks " + path, e);
        }
    }

    @GetMapping("/admin")
    ResponseEntity<byte[]> page() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8)).body(page);
    }

    /** Serves the page's own files and nothing else of the folder (the server serves no other static files). */
    @Configuration(proxyBeanMethods = false)
    static class Assets implements WebMvcConfigurer {
        static final Set<String> FILES = Set.of("console.js", "console.css");

        @Override
        public void addResourceHandlers(ResourceHandlerRegistry registry) {
            registry.addResourceHandler("/admin/*")
                    .addResourceLocations("classpath:/console/")
                    .setCacheControl(CacheControl.maxAge(Duration.ofMinutes(10)))
                    .resourceChain(true)
                    .addResolver(new PathResourceResolver() {
                        @Override
                        protected Resource getResource(String resourcePath, Resource location) throws IOException {
                            return FILES.contains(resourcePath) ? super.getResource(resourcePath, location) : null;
                        }
                    });
        }
    }
}

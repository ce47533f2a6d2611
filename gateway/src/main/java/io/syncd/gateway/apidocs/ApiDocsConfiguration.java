package io.syncd.gateway.apidocs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.PathResourceResolver;

/**
 * Serves the scripts, styles and icon of {@code /api/docs} at {@code /api/docs/<file>}: Swagger UI from its WebJar in
 * this jar, and the initializer that points it at {@code /api/openapi.json}. Only the files the page loads are served
 * (not the WebJar's own demo page, which would load an outside document); the server serves no other static files
 * ({@code spring.web.resources.add-mappings=false}).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration implements WebMvcConfigurer {
    static final String WEBJAR_PROPERTIES = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    static final Set<String> FILES = Set.of("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
            "favicon-32x32.png", "favicon-16x16.png", "syncd-initializer.js");

    /** The WebJar's version, from its own metadata, so that upgrading it is a change of the pom alone. */
    static String swaggerUiVersion() {
        Properties properties = new Properties();
        try (InputStream in = new ClassPathResource(WEBJAR_PROPERTIES, ApiDocsConfiguration.class.getClassLoader())
                .getInputStream()) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the Swagger UI WebJar is not on the class path", e);
        }
        return properties.getProperty("version");
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/api/docs/*")
                .addResourceLocations("classpath:/apidocs/ui/",
                        "classpath:/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/")
                .setCacheControl(CacheControl.maxAge(Duration.ofHours(1)))
                .resourceChain(true)
                .addResolver(new PathResourceResolver() {
                    @Override
                    protected Resource getResource(String resourcePath, Resource location) throws IOException {
                        return FILES.contains(resourcePath) ? super.getResource(resourcePath, location) : null;
                    }
                });
    }
}

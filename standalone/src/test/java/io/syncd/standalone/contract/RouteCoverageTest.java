package io.syncd.standalone.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;

import io.syncd.common.Json;
import io.syncd.standalone.Api;
import io.syncd.standalone.TestServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every route the running server maps (every request-mapping handler mapping of its context: the controllers of all
 * roles and the actuator's {@code /metrics}) is in the served OpenAPI document, and every operation of the document
 * is a route the server maps. The served document is the one in the gateway's jar, and its browsable page loads.
 */
class RouteCoverageTest {
    /** Handlers that are no endpoint of their own: the container's error page, and the 405 answer for other methods. */
    private static final Set<String> NOT_ENDPOINTS = Set.of("ProblemErrorController.error",
            "DevicesController.takesOnlyPost");
    private static final Pattern VARIABLE = Pattern.compile("\\{[^}]*}");

    private final Api api = TestServer.api();
    private final OpenApiDocument document = OpenApiDocument.load();

    /** {@code GET /api/devices/{}}: a route with its variables' names left out (they are not on the wire). */
    private static String route(String method, String path) {
        return method.toUpperCase() + " " + VARIABLE.matcher(path).replaceAll("{}");
    }

    static Set<String> serverRoutes(ApplicationContext context) {
        Set<String> routes = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
                HandlerMethod handler = entry.getValue();
                if (NOT_ENDPOINTS.contains(handler.getBeanType().getSimpleName() + "." + handler.getMethod().getName())) {
                    continue;
                }
                RequestMappingInfo info = entry.getKey();
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                assertThat(methods).as("%s maps every method", info).isNotEmpty();
                for (String pattern : info.getPatternValues()) {
                    for (RequestMethod method : methods) {
                        routes.add(route(method.name(), pattern));
                    }
                }
            }
        }
        return routes;
    }

    static Set<String> documentRoutes(OpenApiDocument document) {
        Set<String> routes = new TreeSet<>();
        document.operations().forEach(op -> routes.add(route(op.method(), op.path())));
        return routes;
    }

    @Test
    void theDocumentHasEveryRouteOfTheServerAndNoOther() {
        Set<String> server = serverRoutes(TestServer.server().context());

        assertThat(server).as("the test must see the actuator's and every role's routes")
                .contains("GET /metrics", "POST /api/sync/push", "POST /api/admin/verify", "GET /health");
        assertThat(documentRoutes(document)).as("routes of the document (left) against the server's (right)")
                .isEqualTo(server);
    }

    @Test
    void aDocumentMissingARouteFailsTheComparison() {
        ObjectNode broken = (ObjectNode) document.root().deepCopy();
        ((ObjectNode) broken.get("paths")).remove("/api/sync/stats");

        assertThat(documentRoutes(OpenApiDocument.of(broken.toString())))
                .isNotEqualTo(serverRoutes(TestServer.server().context()))
                .doesNotContain("GET /api/sync/stats");
    }

    @Test
    void theOnlyStaticFilesAreThoseOfTheDocsPageAndTheConsole() {
        Set<String> patterns = new TreeSet<>();
        for (SimpleUrlHandlerMapping mapping : TestServer.server().context().getBeansOfType(SimpleUrlHandlerMapping.class).values()) {
            mapping.getUrlMap().forEach((pattern, handler) -> {
                if (handler instanceof ResourceHttpRequestHandler) {
                    patterns.add(pattern);
                }
            });
        }
        assertThat(patterns).containsExactly("/admin/*", "/api/docs/*");
    }

    @Test
    void theConsoleLoadsItsScriptAndStylesFromThisServerAndServesNothingElseOfItsFolder() {
        Api.Response page = api.send(api.request("/admin", null).header("Accept", "text/html").GET().build());

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        Matcher assets = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.text());
        Set<String> loaded = new TreeSet<>();
        while (assets.find()) {
            String asset = assets.group(1);
            if (asset.equals("data:,")) {
                continue;
            }
            assertThat(asset).as("loaded from this server, relative to /admin").startsWith("admin/");
            Api.Response file = api.get("/" + asset, null);
            assertThat(file.status()).as(asset).isEqualTo(200);
            loaded.add(asset + " " + file.contentType().replaceAll(";.*", ""));
        }
        assertThat(loaded).containsExactly("admin/console.css text/css", "admin/console.js text/javascript");
        assertThat(api.get("/admin/index.html", null).status()).isEqualTo(404);
        assertThat(api.get("/admin/../application.properties", null).status()).isEqualTo(404);
    }

    @Test
    void theServedDocumentIsTheGatewaysFileAndAnyoneMayReadIt() {
        Api.Response response = api.get("/api/openapi.json", null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.text()).isEqualTo(document.text());
        assertThat(response.body().get("openapi").stringValue()).startsWith("3.1.");
    }

    @Test
    void theDocsPageLoadsItsScriptsAndStylesFromThisServer() {
        Api.Response page = api.send(api.request("/api/docs", null).header("Accept", "text/html").GET().build());

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        Matcher assets = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.text());
        Set<String> loaded = new TreeSet<>();
        while (assets.find()) {
            String asset = assets.group(1);
            assertThat(asset).as("loaded from this server, relative to /api/docs").startsWith("docs/");
            Api.Response file = api.send(api.request("/api/" + asset, null)
                    .header("Accept-Encoding", "gzip").GET().build());
            assertThat(file.status()).as(asset).isEqualTo(200);
            assertThat(file.text()).as(asset).isNotEmpty();
            loaded.add(asset.substring(asset.lastIndexOf('.') + 1) + " " + file.contentType().replaceAll(";.*", ""));
        }
        assertThat(loaded).contains("css text/css", "js text/javascript", "png image/png");
        String initializer = api.get("/api/docs/syncd-initializer.js", null).text();
        assertThat(initializer).contains("url: \"openapi.json\"").contains("validatorUrl: null");
        // The WebJar's own demo page (which loads an outside document) is not served.
        assertThat(api.get("/api/docs/index.html", null).status()).isEqualTo(404);
        assertThat(api.get("/api/docs/swagger-initializer.js", null).status()).isEqualTo(404);
    }

    @Test
    void theDocumentNamesItsOwnRoutes() {
        JsonNode paths = document.root().get("paths");
        assertThat(paths.has("/api/openapi.json")).isTrue();
        assertThat(paths.has("/api/docs")).isTrue();
        assertThat(new String(Json.MAPPER.writeValueAsBytes(paths.at("/~1api~1docs/get/security")), StandardCharsets.UTF_8))
                .isEqualTo("[]");
    }
}

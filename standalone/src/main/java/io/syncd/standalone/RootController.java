package io.syncd.standalone;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /}: what this process serves, for a person who typed its address (or curl): its roles, the links that
 * answer a plain GET, and where the API and its documentation are. Every role has it.
 */
@RestController
class RootController {
    private final Map<String, Object> answer;

    RootController(Environment environment) {
        List<String> roles = Roles.of(environment);
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("health", "/health");
        String metrics = metricsLink(environment);
        if (metrics != null) {
            links.put("metrics", metrics);
        }
        if (roles.contains("projector")) {
            links.put("console", "/admin");
        }
        Map<String, Object> api = new LinkedHashMap<>();
        if (roles.contains("gateway")) {
            api.put("devices", "POST /api/accounts, POST /api/devices/register; /api/sync/… and /api/devices/…"
                    + " with Authorization: Bearer <device token>");
        }
        if (roles.contains("projector")) {
            api.put("operators", "/api/admin/… with Authorization: Bearer <admin token>");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", "syncd");
        body.put("roles", roles);
        body.put("links", links);
        body.put("api", api);
        body.put("docs", roles.contains("gateway")
                ? "/api/docs (browsable), /api/openapi.json (the OpenAPI contract); docs/PROTOCOL.md of the syncd source"
                : "docs/PROTOCOL.md (the wire contract) and README.md of the syncd source");
        this.answer = Collections.unmodifiableMap(body);
    }

    /** Where this process serves {@code /metrics}: on its own port unless {@code management.server.port} moves it. */
    private static String metricsLink(Environment environment) {
        String management = environment.getProperty("management.server.port");
        if (management == null || Objects.equals(management, environment.getProperty("server.port"))) {
            return "/metrics";
        }
        return Integer.parseInt(management) < 0 ? null : "/metrics on port " + management;
    }

    @GetMapping("/")
    Map<String, Object> root() {
        return answer;
    }
}

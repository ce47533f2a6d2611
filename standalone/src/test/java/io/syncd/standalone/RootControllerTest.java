package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The root address names where {@code /metrics} is, as docker-compose's gateway moves it to an internal port. */
class RootControllerTest {

    private static Object metrics(MockEnvironment environment) {
        return ((Map<?, ?>) new RootController(environment.withProperty("server.port", "8080")).root().get("links"))
                .get("metrics");
    }

    @Test
    void metricsOnTheServerPortAreLinkedAsAPath() {
        assertThat(metrics(new MockEnvironment())).isEqualTo("/metrics");
        assertThat(metrics(new MockEnvironment().withProperty("management.server.port", "8080"))).isEqualTo("/metrics");
    }

    @Test
    void theConsoleIsLinkedWhereTheProjectorRuns() {
        Map<?, ?> all = (Map<?, ?>) new RootController(new MockEnvironment().withProperty("server.port", "8080"))
                .root().get("links");
        Map<?, ?> gateway = (Map<?, ?>) new RootController(new MockEnvironment().withProperty("server.port", "8080")
                .withProperty("sync.roles", "gateway")).root().get("links");

        assertThat(all.get("console")).isEqualTo("/admin");
        assertThat(gateway.containsKey("console")).isFalse();
    }

    @Test
    void metricsOnAnotherPortAreNamedWithItAndLeftOutWhenTurnedOff() {
        assertThat(metrics(new MockEnvironment().withProperty("management.server.port", "9090")))
                .isEqualTo("/metrics on port 9090");
        assertThat(metrics(new MockEnvironment().withProperty("management.server.port", "-1"))).isNull();
    }
}

package io.syncd.standalone.metrics;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

import io.syncd.edge.AccessProperties;

/**
 * Guards {@code /metrics} wherever the actuator serves it: a management configuration is added to the main context
 * when metrics share the server port, and to the management server's own context when {@code management.server.port}
 * differs, where filters of the main context do not reach.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
public class MetricsAccessConfiguration {

    @Bean
    FilterRegistrationBean<MetricsAccessFilter> metricsAccessFilter(MetricsProperties metrics, AccessProperties access) {
        // Every process has one: set, or generated into the data folder at start (EmbeddedInfrastructure).
        FilterRegistrationBean<MetricsAccessFilter> registration =
                new FilterRegistrationBean<>(new MetricsAccessFilter(access.adminToken()));
        registration.addUrlPatterns("/metrics");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setEnabled(!metrics.open());
        return registration;
    }
}

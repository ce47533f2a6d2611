package io.syncd.standalone.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may read {@code /metrics} ({@code sync.metrics.*}).
 *
 * @param open serve {@code /metrics} without the admin token, for a scraper on a private network
 */
@ConfigurationProperties("sync.metrics")
public record MetricsProperties(@DefaultValue("false") boolean open) {
}

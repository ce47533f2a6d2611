package io.syncd.projector;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the projector role reads of the process configuration ({@code sync.*}).
 *
 * @param adminToken the operators' bearer token for {@code /api/admin/**}
 */
@ConfigurationProperties("sync")
public record ProjectorProperties(String adminToken) {
}

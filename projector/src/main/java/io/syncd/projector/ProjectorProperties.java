package io.syncd.projector;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the projector role reads of the process configuration ({@code sync.*}).
 *
 * @param adminToken the operators' bearer token for {@code /api/admin/**}
 * @param projector the projector's own settings ({@code sync.projector.*})
 */
@ConfigurationProperties("sync")
public record ProjectorProperties(String adminToken, @DefaultValue Projector projector) {

    public ProjectorProperties {
        // Set but blank (an empty secret file or variable), every admin call would be 401 with no word why.
        if (adminToken != null && adminToken.isBlank()) {
            throw new IllegalArgumentException("sync.admin-token is set but blank: give it a value, or leave it unset"
                    + " to have one generated");
        }
    }

    /**
     * @param statsInterval how often the statistics fold in the changes decided since the last time
     * @param applierWait how long verify from Kafka and import wait for the applier to decide what they need, while
     *                    it makes no progress, before answering 503
     */
    public record Projector(@DefaultValue("1s") Duration statsInterval, @DefaultValue("60s") Duration applierWait) {
        public Projector {
            if (statsInterval.isNegative() || statsInterval.isZero()) {
                throw new IllegalArgumentException("sync.projector.stats-interval must be positive, was " + statsInterval);
            }
            if (applierWait.isNegative() || applierWait.isZero()) {
                throw new IllegalArgumentException("sync.projector.applier-wait must be positive, was " + applierWait);
            }
        }
    }
}

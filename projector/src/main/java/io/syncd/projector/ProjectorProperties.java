package io.syncd.projector;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The projector's settings ({@code sync.projector.*}); its admin token is the gateway module's
 * {@link io.syncd.edge.AccessProperties}.
 *
 * @param statsInterval how often the statistics fold in the changes decided since the last time
 * @param applierWait how long verify from Kafka and import wait for the applier to decide what they need, while it
 *                    makes no progress, before answering 503
 */
@ConfigurationProperties("sync.projector")
public record ProjectorProperties(@DefaultValue("1s") Duration statsInterval, @DefaultValue("60s") Duration applierWait) {

    public ProjectorProperties {
        if (statsInterval.isNegative() || statsInterval.isZero()) {
            throw new IllegalArgumentException("sync.projector.stats-interval must be positive, was " + statsInterval);
        }
        if (applierWait.isNegative() || applierWait.isZero()) {
            throw new IllegalArgumentException("sync.projector.applier-wait must be positive, was " + applierWait);
        }
    }
}

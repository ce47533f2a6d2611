package io.syncd.gateway;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the gateway role ({@code sync.gateway.*}).
 *
 * @param decisionWait how long a push waits for the applier's decisions before answering {@code pending}
 * @param maxBodySize largest request body accepted (after decoding zstd or gzip); larger is 413
 * @param corsAllowedOrigins browser origins allowed to call the API (none by default)
 * @param sendTimeout how long a push waits for Kafka to acknowledge its changes before answering 503
 * @param outageTokenAge while PostgreSQL is unreachable, how long a token verified before still passes; also how long
 *        a device revoked through another gateway may still push through this one during an outage
 * @param rateLimit requests per authenticated device (off by default)
 * @param addressRateLimit calls without a device token (account creation, registration) per client address
 * @param maxOpenBodySize largest request body of a call without a device token (after decoding; at most maxBodySize)
 */
@ConfigurationProperties("sync.gateway")
public record GatewayProperties(
        @DefaultValue("5s") Duration decisionWait,
        @DefaultValue("64MB") DataSize maxBodySize,
        @DefaultValue List<String> corsAllowedOrigins,
        @DefaultValue("10s") Duration sendTimeout,
        @DefaultValue("2m") Duration outageTokenAge,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue AddressRateLimit addressRateLimit,
        @DefaultValue("16KB") DataSize maxOpenBodySize) {

    /**
     * A token bucket per client address ({@code sync.gateway.address-rate-limit.*}) over the calls anyone may make.
     *
     * @param enabled whether those calls are limited (on by default)
     * @param requestsPerSecond the sustained rate of one address
     * @param burst how many such calls one address may make at once, after a pause
     */
    public record AddressRateLimit(@DefaultValue("true") boolean enabled, @DefaultValue("2") int requestsPerSecond,
                                   @DefaultValue("30") int burst) {
        public AddressRateLimit {
            if (requestsPerSecond < 1) {
                throw new IllegalArgumentException(
                        "sync.gateway.address-rate-limit.requests-per-second must be at least 1, was " + requestsPerSecond);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("sync.gateway.address-rate-limit.burst must be at least 1, was " + burst);
            }
        }
    }

    /**
     * A token bucket per device ({@code sync.gateway.rate-limit.*}) over the authenticated API.
     *
     * @param enabled whether devices are limited at all
     * @param requestsPerSecond the sustained rate a device may send
     * @param burst how many requests a device may send at once, after a pause
     */
    public record RateLimit(@DefaultValue("false") boolean enabled, @DefaultValue("20") int requestsPerSecond,
                            @DefaultValue("100") int burst) {
        public RateLimit {
            if (requestsPerSecond < 1) {
                throw new IllegalArgumentException(
                        "sync.gateway.rate-limit.requests-per-second must be at least 1, was " + requestsPerSecond);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("sync.gateway.rate-limit.burst must be at least 1, was " + burst);
            }
        }
    }

    public GatewayProperties {
        if (decisionWait.isNegative()) {
            throw new IllegalArgumentException("sync.gateway.decision-wait must not be negative");
        }
        if (maxBodySize.toBytes() < 1024) {
            throw new IllegalArgumentException("sync.gateway.max-body-size must be at least 1KB, was " + maxBodySize);
        }
        if (maxOpenBodySize.toBytes() < 1024) {
            throw new IllegalArgumentException("sync.gateway.max-open-body-size must be at least 1KB, was " + maxOpenBodySize);
        }
    }
}

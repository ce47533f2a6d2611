package io.syncd.gateway;

import java.time.Clock;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.syncd.edge.AccessProperties;
import io.syncd.edge.web.AcceptsJsonInterceptor;
import io.syncd.edge.web.CompressingResponseFilter;
import io.syncd.edge.web.RequestBodyFilter;
import io.syncd.gateway.auth.DeviceAuthInterceptor;
import io.syncd.gateway.auth.VerifiedTokens;
import io.syncd.gateway.identity.OidcProperties;
import io.syncd.gateway.push.ChangeLag;
import io.syncd.gateway.ratelimit.AddressRateLimiter;
import io.syncd.gateway.ratelimit.DeviceRateLimiter;
import io.syncd.gateway.stats.TrafficFilter;
import io.syncd.gateway.stats.TrafficPublisher;
import io.syncd.gateway.stream.StreamProperties;
import io.syncd.gateway.web.RequestLogFilter;
import io.syncd.store.StoreConfiguration;
import io.syncd.store.changelog.ChangeProducer;
import io.syncd.store.devices.DevicesTable;

/** The gateway role: the HTTP API, its Kafka producer and its filters. Imported when the process runs the gateway. */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@Import(StoreConfiguration.class)
@EnableConfigurationProperties({GatewayProperties.class, StreamProperties.class, AccessProperties.class,
        OidcProperties.class})
public class GatewayConfiguration implements WebMvcConfigurer {
    /** The change stream: an event stream, never compressed nor held back, and not JSON. */
    public static final String STREAM_PATH = "/api/sync/stream";
    private static final String[] DEVICE_PATHS = {"/api/sync/**", "/api/devices/**", "/api/accounts/identities",
            "/api/accounts/enrollment-key"};
    private static final String[] JSON_PATHS = {"/api/sync/**", "/api/devices/**", "/api/accounts", "/api/accounts/*"};
    /** The calls that carry no device token: anyone may make them. */
    private static final String[] OPEN_PATHS = {"/api/accounts", "/api/devices/register"};

    private final DevicesTable devices;
    private final GatewayProperties properties;
    private final VerifiedTokens verifiedTokens;

    public GatewayConfiguration(DevicesTable devices, GatewayProperties properties, VerifiedTokens verifiedTokens) {
        this.devices = devices;
        this.properties = properties;
        this.verifiedTokens = verifiedTokens;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new AcceptsJsonInterceptor()).addPathPatterns(JSON_PATHS).excludePathPatterns(STREAM_PATH);
        if (properties.addressRateLimit().enabled()) {
            registry.addInterceptor(new AddressRateLimiter(properties.addressRateLimit())).addPathPatterns(OPEN_PATHS);
        }
        registry.addInterceptor(new DeviceAuthInterceptor(devices, verifiedTokens))
                .addPathPatterns(DEVICE_PATHS)
                .excludePathPatterns("/api/devices/register");
        if (properties.rateLimit().enabled()) {
            registry.addInterceptor(new DeviceRateLimiter(properties.rateLimit()))
                    .addPathPatterns(DEVICE_PATHS)
                    .excludePathPatterns("/api/devices/register");
        }
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        if (!properties.corsAllowedOrigins().isEmpty()) {
            registry.addMapping("/api/**")
                    .allowedOrigins(properties.corsAllowedOrigins().toArray(String[]::new))
                    .allowedMethods("GET", "POST", "DELETE")
                    .allowedHeaders("Authorization", "Content-Type", "Content-Encoding")
                    .maxAge(3600);
        }
    }

    @Bean
    static VerifiedTokens verifiedTokens(GatewayProperties properties, ObjectProvider<Clock> clocks) {
        // The system's clock; a test that must age tokens past outage-token-age gives its own.
        return new VerifiedTokens(properties.outageTokenAge(), clocks.getIfAvailable(Clock::systemUTC));
    }

    @Bean(destroyMethod = "close")
    ChangeProducer changeProducer(KafkaProperties kafka) {
        return new ChangeProducer(kafka, properties.sendTimeout());
    }

    @Bean(destroyMethod = "close")
    TrafficPublisher trafficPublisher(KafkaProperties kafka) {
        return new TrafficPublisher(kafka);
    }

    @Bean(destroyMethod = "close")
    ChangeLag changeLag(KafkaProperties kafka) {
        return new ChangeLag(Admin.create(kafka.buildAdminProperties()));
    }

    @Bean
    FilterRegistrationBean<RequestLogFilter> requestLogFilter() {
        FilterRegistrationBean<RequestLogFilter> registration = new FilterRegistrationBean<>(new RequestLogFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Outside the compression filters, so it counts the bytes as they cross the wire. */
    @Bean
    FilterRegistrationBean<TrafficFilter> trafficFilter(TrafficPublisher publisher) {
        FilterRegistrationBean<TrafficFilter> registration =
                new FilterRegistrationBean<>(new TrafficFilter(publisher, Clock.systemUTC()));
        registration.addUrlPatterns("/api/sync/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<CompressingResponseFilter> compressingResponseFilter() {
        FilterRegistrationBean<CompressingResponseFilter> registration =
                new FilterRegistrationBean<>(new CompressingResponseFilter(Set.of(STREAM_PATH)));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    /**
     * The body limit protects the device API, and a much smaller one the calls anyone may make; the admin API is
     * exempt, so an operator's import streams a file of any size (its body is read only after the admin token passed).
     */
    @Bean
    FilterRegistrationBean<RequestBodyFilter> requestBodyFilter() {
        FilterRegistrationBean<RequestBodyFilter> registration = new FilterRegistrationBean<>(new RequestBodyFilter(
                properties.maxBodySize().toBytes(),
                Math.min(properties.maxOpenBodySize().toBytes(), properties.maxBodySize().toBytes()),
                Set.of(OPEN_PATHS), "/api/admin/"));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }
}

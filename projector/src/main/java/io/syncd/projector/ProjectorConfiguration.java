package io.syncd.projector;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.syncd.edge.AccessProperties;
import io.syncd.projector.admin.AdminAuthInterceptor;
import io.syncd.store.StoreConfiguration;

/** The projector role: replay, verification, point-in-time rebuilds, export and import behind the admin token; statistics. */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@Import(StoreConfiguration.class)
@EnableConfigurationProperties({ProjectorProperties.class, AccessProperties.class})
public class ProjectorConfiguration implements WebMvcConfigurer {
    private final AccessProperties access;

    public ProjectorConfiguration(AccessProperties access) {
        this.access = access;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new AdminAuthInterceptor(access.adminToken())).addPathPatterns("/api/admin/**");
    }
}

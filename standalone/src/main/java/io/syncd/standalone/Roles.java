package io.syncd.standalone;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

import io.syncd.applier.ApplierConfiguration;
import io.syncd.gateway.GatewayConfiguration;
import io.syncd.projector.ProjectorConfiguration;

/** Imports the configuration of each role named by {@code sync.roles}; nothing of a role not named is created. */
public final class Roles implements ImportSelector, EnvironmentAware {
    public static final Set<String> KNOWN = Set.of("gateway", "applier", "projector");
    public static final String DEFAULT = "gateway,applier,projector";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public String[] selectImports(AnnotationMetadata metadata) {
        List<String> imports = new ArrayList<>();
        for (String role : of(environment)) {
            switch (role) {
                case "gateway" -> imports.add(GatewayConfiguration.class.getName());
                case "applier" -> imports.add(ApplierConfiguration.class.getName());
                case "projector" -> imports.add(ProjectorConfiguration.class.getName());
                default -> throw new IllegalStateException("sync.roles: unknown role '" + role + "'; known roles: " + KNOWN);
            }
        }
        return imports.toArray(String[]::new);
    }

    public static List<String> of(Environment environment) {
        return List.of(environment.getProperty("sync.roles", DEFAULT).split("\\s*,\\s*"));
    }
}

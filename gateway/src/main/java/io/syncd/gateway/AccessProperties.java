package io.syncd.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may do what ({@code sync.*}).
 *
 * @param signup {@code open}: anyone may create an account; {@code admin}: account creation needs the admin token
 * @param adminToken the operators' bearer token; the standalone generates and keeps one when unset
 */
@ConfigurationProperties("sync")
public record AccessProperties(@DefaultValue("open") Signup signup, String adminToken) {

    /** Account creation policy. */
    public enum Signup { OPEN, ADMIN }

    public AccessProperties {
        if (signup == Signup.ADMIN && (adminToken == null || adminToken.isBlank())) {
            throw new IllegalArgumentException("sync.signup=admin needs sync.admin-token to be set");
        }
    }
}

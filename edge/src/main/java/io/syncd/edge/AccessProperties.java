package io.syncd.edge;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may do what ({@code sync.*}): the one typed home of {@code sync.admin-token}, read by the gateway (signup) and
 * by the projector (its admin API), which builds on this module already for the HTTP error model.
 *
 * @param signup {@code open}: anyone may create an account; {@code admin}: account creation needs the admin token
 * @param adminToken the operators' bearer token; the standalone generates and keeps one when unset
 */
@ConfigurationProperties("sync")
public record AccessProperties(@DefaultValue("open") Signup signup, String adminToken) {

    /** Account creation policy. */
    public enum Signup { OPEN, ADMIN }

    public AccessProperties {
        // Set but blank (an empty secret file or variable), every admin call would be 401 with no word why.
        if (adminToken != null && adminToken.isBlank()) {
            throw new IllegalArgumentException("sync.admin-token is set but blank: give it a value, or leave it unset"
                    + " to have one generated");
        }
        if (signup == Signup.ADMIN && adminToken == null) {
            throw new IllegalArgumentException("sync.signup=admin needs sync.admin-token to be set");
        }
    }
}

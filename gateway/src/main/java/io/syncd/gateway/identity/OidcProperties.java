package io.syncd.gateway.identity;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Signing in with an OpenID Connect provider's ID tokens ({@code sync.auth.oidc.*}, PROTOCOL.md "Signing in with an
 * identity provider"). Without an issuer, sign-in is off.
 *
 * @param issuer the {@code iss} accepted, exactly as the provider writes it
 * @param jwksUri where the provider publishes its signing keys (a JWK Set)
 * @param audience the value that must be in a token's {@code aud}: this application's client id at the provider
 * @param createAccounts whether an identity seen for the first time gets a new account (else 403)
 * @param clockSkew how far the provider's clock and this server's may differ for {@code exp}, {@code nbf}, {@code iat}
 */
@ConfigurationProperties("sync.auth.oidc")
public record OidcProperties(
        String issuer,
        URI jwksUri,
        String audience,
        @DefaultValue("true") boolean createAccounts,
        @DefaultValue("60s") Duration clockSkew) {

    public OidcProperties {
        if (issuer != null && issuer.isBlank()) {
            throw new IllegalArgumentException("sync.auth.oidc.issuer is set but blank: give the provider's issuer, or"
                    + " leave it unset to turn sign-in with an identity provider off");
        }
        if (issuer == null && (jwksUri != null || audience != null)) {
            throw new IllegalArgumentException("sync.auth.oidc.jwks-uri and sync.auth.oidc.audience need"
                    + " sync.auth.oidc.issuer (the iss of the provider's ID tokens)");
        }
        if (issuer != null && jwksUri == null) {
            throw new IllegalArgumentException("sync.auth.oidc.issuer needs sync.auth.oidc.jwks-uri: the provider's JWK"
                    + " Set (its jwks_uri in <issuer>/.well-known/openid-configuration)");
        }
        if (jwksUri != null && !("https".equals(jwksUri.getScheme()) || "http".equals(jwksUri.getScheme()))) {
            throw new IllegalArgumentException("sync.auth.oidc.jwks-uri must be an http(s) URL, was " + jwksUri);
        }
        if (issuer != null && (audience == null || audience.isBlank())) {
            throw new IllegalArgumentException("sync.auth.oidc.issuer needs sync.auth.oidc.audience: this application's"
                    + " client id at the provider");
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("sync.auth.oidc.clock-skew must be 0 to 10m, was " + clockSkew);
        }
    }

    /** Whether sign-in with an identity provider is on. */
    public boolean enabled() {
        return issuer != null;
    }
}

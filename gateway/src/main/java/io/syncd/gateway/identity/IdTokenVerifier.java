package io.syncd.gateway.identity;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpStatus;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.syncd.common.RecordRules;
import io.syncd.edge.errors.ApiException;

/**
 * Verifies an OpenID Connect ID token (PROTOCOL.md, "Signing in with an identity provider"): an asymmetric signature
 * by a key of the provider's JWK Set named by {@code kid}, then issuer, audience and times. Every refusal is a 401 whose
 * detail names the failed check and never quotes the token; each is counted by its check.
 */
final class IdTokenVerifier {
    /**
     * RSA and ECDSA only, with the curves the JDK verifies. Every HMAC alg is refused: a verifier that accepted
     * HS256 could be handed the provider's public key as the shared secret, and {@code none} signs nothing.
     */
    private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);
    private static final int MAX_TOKEN_LENGTH = 16 * 1024;
    private static final int MAX_SUBJECT_LENGTH = 255;
    private static final int MAX_NAME_LENGTH = 200;

    private final OidcProperties settings;
    private final JwkSetCache keys;
    private final Clock clock;
    private final Counter accepted;
    private final Counter unavailable;
    private final Map<TokenCheck, Counter> rejected = new EnumMap<>(TokenCheck.class);

    IdTokenVerifier(OidcProperties settings, JwkSetCache keys, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
        this.accepted = counter(registry, "accepted");
        this.unavailable = counter(registry, "keys_unavailable");
        for (TokenCheck check : TokenCheck.values()) {
            rejected.put(check, counter(registry, check.tag()));
        }
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("syncd.id_tokens").tag("outcome", outcome)
                .description("ID tokens presented: accepted, or the check that refused them").register(registry);
    }

    /** The identity of a token that passes every check; else 401 naming the check, or 503 when no key is known. */
    VerifiedIdentity verify(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw reject(TokenCheck.MALFORMED, "longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        SignedJWT jwt = signed(token);
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!ALLOWED.contains(alg)) {
            throw reject(TokenCheck.ALGORITHM, named(alg) + " is not accepted; use an asymmetric one (RS256, ES256, …)");
        }
        JWTClaimsSet claims = claims(jwt);
        // Before any key is looked up: a token of another issuer must not make this server fetch keys.
        if (!settings.issuer().equals(claims.getIssuer())) {
            throw reject(TokenCheck.ISSUER, "iss is not the issuer this server accepts");
        }
        String kid = jwt.getHeader().getKeyID();
        if (kid == null) {
            throw reject(TokenCheck.UNKNOWN_KEY, "the token's header names no key (kid)");
        }
        JWK key;
        try {
            key = keys.key(kid).orElseThrow(() -> reject(TokenCheck.UNKNOWN_KEY,
                    "kid names no key of the identity provider's JWK Set"));
        } catch (ApiException e) {
            if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
                unavailable.increment();
            }
            throw e;
        }
        if (!verifies(jwt, key)) {
            throw reject(TokenCheck.SIGNATURE, "the signature does not verify with the key kid names");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(settings.audience())) {
            throw reject(TokenCheck.AUDIENCE, "aud does not contain this server's audience");
        }
        Instant now = clock.instant();
        Duration skew = settings.clockSkew();
        Instant exp = instant(claims.getExpirationTime());
        if (exp == null) {
            throw reject(TokenCheck.MALFORMED, "the token has no exp");
        }
        if (!now.isBefore(exp.plus(skew))) {
            throw reject(TokenCheck.EXPIRED, "exp " + exp + " has passed");
        }
        Instant nbf = instant(claims.getNotBeforeTime());
        if (nbf != null && nbf.isAfter(now.plus(skew))) {
            throw reject(TokenCheck.NOT_YET_VALID, "nbf " + nbf + " is in the future");
        }
        Instant iat = instant(claims.getIssueTime());
        if (iat != null && iat.isAfter(now.plus(skew))) {
            throw reject(TokenCheck.NOT_YET_VALID, "iat " + iat + " is in the future");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH
                || RecordRules.textProblem(subject) != null) {
            throw reject(TokenCheck.MALFORMED, "sub must be a string of 1 to " + MAX_SUBJECT_LENGTH + " characters");
        }
        accepted.increment();
        return new VerifiedIdentity(claims.getIssuer(), subject, displayName(claims, subject));
    }

    private SignedJWT signed(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw reject(TokenCheck.MALFORMED, "not a JWT in compact form");
        }
        if (jwt instanceof SignedJWT signed) {
            return signed;
        }
        // An unsecured JWT (alg none) or an encrypted one: neither is signed by the provider.
        throw reject(TokenCheck.ALGORITHM, named(jwt.getHeader().getAlgorithm()) + " is not accepted; the token must"
                + " be signed with an asymmetric alg (RS256, ES256, …)");
    }

    private JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject(TokenCheck.MALFORMED, "the payload is not a JSON object of claims");
        }
    }

    /** A key of another type than the alg's, or marked for another alg, verifies nothing. */
    private static boolean verifies(SignedJWT jwt, JWK key) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
            return false;
        }
        try {
            JWSVerifier verifier;
            if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
                verifier = new RSASSAVerifier(rsa);
            } else if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
                verifier = new ECDSAVerifier(ec);
            } else {
                return false;
            }
            return jwt.verify(verifier);
        } catch (JOSEException e) {
            return false; // e.g. an EC key of another curve than the alg's
        }
    }

    /** {@code name}, else {@code email}, else the subject: the first that is a storable, non-blank string. */
    private static String displayName(JWTClaimsSet claims, String subject) {
        for (String claim : new String[] {"name", "email"}) {
            Object value = claims.getClaim(claim);
            if (value instanceof String text && !text.isBlank() && RecordRules.textProblem(text) == null) {
                return truncate(text.strip());
            }
        }
        return truncate(subject);
    }

    private static String truncate(String text) {
        return text.codePointCount(0, text.length()) <= MAX_NAME_LENGTH ? text
                : text.substring(0, text.offsetByCodePoints(0, MAX_NAME_LENGTH));
    }

    /** The alg by its name when it is a registered one; a made-up name is not echoed. */
    private static String named(Algorithm alg) {
        boolean registered = Algorithm.NONE.equals(alg) || JWSAlgorithm.Family.HMAC_SHA.contains(alg)
                || JWSAlgorithm.Family.SIGNATURE.contains(alg) || JWEAlgorithm.Family.ASYMMETRIC.contains(alg)
                || JWEAlgorithm.Family.SYMMETRIC.contains(alg);
        return registered ? "alg " + alg.getName() : "the token's alg";
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    private ApiException reject(TokenCheck check, String why) {
        rejected.get(check).increment();
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", "id_token refused (" + check.tag() + "): " + why);
    }
}

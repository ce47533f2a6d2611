package io.syncd.gateway.identity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.syncd.edge.errors.ApiException;

/**
 * The identity provider's signing keys, fetched when a token names a key not in the cache, so the provider can rotate
 * keys: at most one fetch per {@link #MIN_FETCH_INTERVAL} however many such tokens arrive (a flood of made-up
 * {@code kid}s must not become a flood of requests to the provider). A failed fetch keeps the keys cached, so sign-in
 * goes on while the provider is down; with no key at all, sign-in is 503. A fetch that succeeds replaces the keys:
 * a key the provider withdrew stops working. So that a withdrawn key (a leaked one, say) stops working even when no
 * token names an unknown key, a key found in keys older than {@link #REFRESH_AFTER} is looked up again after one fetch
 * (by the first token that finds them so; the tokens meanwhile use the cached keys).
 */
final class JwkSetCache {
    static final Duration MIN_FETCH_INTERVAL = Duration.ofSeconds(30);
    static final Duration REFRESH_AFTER = Duration.ofMinutes(10);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(JwkSetCache.class);

    private final URI uri;
    private final Clock clock;
    private final HttpClient http;
    private final Counter fetched;
    private final Counter failed;
    /** Only one thread fetches; the others that miss wait for it and then look again. */
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile List<JWK> keys = List.of();
    private volatile Instant lastFetch;

    JwkSetCache(URI uri, Clock clock, MeterRegistry registry) {
        this.uri = uri;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.fetched = Counter.builder("syncd.jwks.fetches").tag("outcome", "ok")
                .description("Fetches of the identity provider's JWK Set").register(registry);
        this.failed = Counter.builder("syncd.jwks.fetches").tag("outcome", "failed")
                .description("Fetches of the identity provider's JWK Set").register(registry);
    }

    /**
     * The signing key named {@code kid}, fetching the JWK Set once if it is not cached (and no fetch was made in the
     * last 30 s); empty when the provider has no such key. 503 when no key is known at all.
     */
    Optional<JWK> key(String kid) {
        Optional<JWK> cached = find(kid);
        if (cached.isPresent()) {
            return stale() ? refreshed(kid, cached) : cached;
        }
        fetching.lock();
        try {
            cached = find(kid);
            if (cached.isEmpty() && fetchAllowed()) {
                fetch();
                cached = find(kid);
            }
        } finally {
            fetching.unlock();
        }
        if (cached.isEmpty() && keys.isEmpty()) {
            throw ApiException.unavailable("no signing key of the identity provider is known: its JWK Set could not be"
                    + " fetched (or holds none); retry later");
        }
        return cached;
    }

    private boolean stale() {
        Instant last = lastFetch;
        return last != null && !clock.instant().isBefore(last.plus(REFRESH_AFTER));
    }

    /** {@code kid} again after one fetch, or the cached key while another thread fetches or when the fetch failed. */
    private Optional<JWK> refreshed(String kid, Optional<JWK> cached) {
        if (!fetching.tryLock()) {
            return cached;
        }
        try {
            if (stale() && fetchAllowed()) {
                fetch();
            }
            return find(kid);
        } finally {
            fetching.unlock();
        }
    }

    private Optional<JWK> find(String kid) {
        return keys.stream().filter(k -> kid.equals(k.getKeyID())).findFirst();
    }

    private boolean fetchAllowed() {
        Instant now = clock.instant();
        if (lastFetch != null && now.isBefore(lastFetch.plus(MIN_FETCH_INTERVAL))) {
            return false;
        }
        lastFetch = now;
        return true;
    }

    private void fetch() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("status " + response.statusCode());
            }
            // Public signing keys with a kid only: a token must name its key, and a private part is never needed.
            keys = JWKSet.parse(response.body()).toPublicJWKSet().getKeys().stream()
                    .filter(k -> k.getKeyID() != null)
                    .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                    .toList();
            fetched.increment();
            log.info("Fetched the identity provider's JWK Set from {}: {} signing keys", uri, keys.size());
        } catch (IOException | ParseException e) {
            failed.increment();
            log.warn("Cannot fetch the identity provider's JWK Set from {} (keeping the {} cached keys): {}", uri,
                    keys.size(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.increment();
        }
    }
}

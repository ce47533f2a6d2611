package io.syncd.client;

import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import io.syncd.common.Limits;

/**
 * Settings of a {@link SyncClient}; {@link #defaults()} suits an app on a phone network.
 *
 * @param connectTimeout how long opening a connection may take
 * @param requestTimeout how long one request may take (a push waits for decisions: keep it above the server's
 *                       {@code decision-wait} plus {@code send-timeout}, 5 s + 10 s by default)
 * @param retries        how network errors, 503 and 429 are retried
 * @param pushBatchSize  most changes one push request carries (the protocol allows 1000)
 * @param pullPageSize   records asked for per pull page (the protocol allows 1–5000)
 * @param conflictPolicy what to do with a conflict as soon as a push finds it
 * @param clock          the time of local bookkeeping ({@code last_sync_at}, outbox times)
 * @param sslContext     the TLS of {@code https://} servers: by default the JVM's (its trust store, e.g. set with
 *                       {@code -Djavax.net.ssl.trustStore}); one of the app's own to trust a private certificate
 */
public record SyncOptions(Duration connectTimeout, Duration requestTimeout, RetryPolicy retries, int pushBatchSize,
                          int pullPageSize, ConflictPolicy conflictPolicy, Clock clock, SSLContext sslContext) {
    public SyncOptions {
        if (pushBatchSize < 1 || pushBatchSize > Limits.MAX_CHANGES_PER_PUSH) {
            throw new IllegalArgumentException("pushBatchSize must be 1.." + Limits.MAX_CHANGES_PER_PUSH);
        }
        if (pullPageSize < 1 || pullPageSize > Limits.MAX_PULL_LIMIT) {
            throw new IllegalArgumentException("pullPageSize must be 1.." + Limits.MAX_PULL_LIMIT);
        }
        if (retries == null || conflictPolicy == null || clock == null || connectTimeout == null
                || requestTimeout == null || sslContext == null) {
            throw new IllegalArgumentException("no option may be null");
        }
    }

    public static SyncOptions defaults() {
        return new SyncOptions(Duration.ofSeconds(5), Duration.ofSeconds(30), RetryPolicy.DEFAULT,
                Limits.MAX_CHANGES_PER_PUSH, 1000, ConflictPolicy.keepForApp(), Clock.systemUTC(), jvmTls());
    }

    private static SSLContext jvmTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context", e);
        }
    }

    public SyncOptions withRetries(RetryPolicy retries) {
        return new SyncOptions(connectTimeout, requestTimeout, retries, pushBatchSize, pullPageSize, conflictPolicy, clock,
                sslContext);
    }

    public SyncOptions withConflictPolicy(ConflictPolicy policy) {
        return new SyncOptions(connectTimeout, requestTimeout, retries, pushBatchSize, pullPageSize, policy, clock,
                sslContext);
    }

    public SyncOptions withTimeouts(Duration connect, Duration request) {
        return new SyncOptions(connect, request, retries, pushBatchSize, pullPageSize, conflictPolicy, clock, sslContext);
    }

    public SyncOptions withPushBatchSize(int size) {
        return new SyncOptions(connectTimeout, requestTimeout, retries, size, pullPageSize, conflictPolicy, clock,
                sslContext);
    }

    public SyncOptions withPullPageSize(int size) {
        return new SyncOptions(connectTimeout, requestTimeout, retries, pushBatchSize, size, conflictPolicy, clock,
                sslContext);
    }

    public SyncOptions withClock(Clock clock) {
        return new SyncOptions(connectTimeout, requestTimeout, retries, pushBatchSize, pullPageSize, conflictPolicy, clock,
                sslContext);
    }

    /** TLS of the app's own, e.g. trusting the server's self-signed certificate. */
    public SyncOptions withSslContext(SSLContext sslContext) {
        return new SyncOptions(connectTimeout, requestTimeout, retries, pushBatchSize, pullPageSize, conflictPolicy, clock,
                sslContext);
    }
}

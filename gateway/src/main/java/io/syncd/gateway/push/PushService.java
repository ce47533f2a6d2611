package io.syncd.gateway.push;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.syncd.common.ChangeEvent;
import io.syncd.common.ChangeResult;
import io.syncd.gateway.GatewayProperties;
import io.syncd.store.changelog.ChangeProducer;

/** Queues validated changes on Kafka, then waits (bounded) for their decisions: one result per change, in order. */
@Service
class PushService {
    /** Histogram buckets of {@code syncd_push_seconds}: around the decision window (5 s by default). */
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30)};

    private final ChangeProducer producer;
    private final DecisionWaiter waiter;
    private final GatewayProperties properties;
    private final Timer decided;
    private final Timer pending;
    private final Timer unavailable;

    PushService(ChangeProducer producer, DecisionWaiter waiter, GatewayProperties properties, MeterRegistry registry) {
        this.producer = producer;
        this.waiter = waiter;
        this.properties = properties;
        this.decided = timer(registry, "decided");
        this.pending = timer(registry, "pending");
        this.unavailable = timer(registry, "unavailable");
    }

    private static Timer timer(MeterRegistry registry, String outcome) {
        return Timer.builder("syncd.push")
                .description("A push's changes from arrival to every decision; pending: the decision window ended first")
                .tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    List<ChangeResult> push(UUID accountId, List<ChangeEvent> changes) {
        List<ChangeResult> results = new ArrayList<>(changes.size());
        if (changes.isEmpty()) {
            return results;
        }
        long start = System.nanoTime();
        Timer outcome = unavailable;
        try (DecisionWaiter.Wait wait = waiter.expect(accountId, changes)) {
            producer.sendAll(changes);
            Map<UUID, ChangeResult> decisions = wait.await(properties.decisionWait());
            outcome = decisions.size() == changes.size() ? decided : pending;
            for (ChangeEvent change : changes) {
                ChangeResult result = decisions.get(change.changeId());
                results.add(result != null ? result : ChangeResults.pending(change));
            }
            return results;
        } finally {
            outcome.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}

package io.syncd.gateway.push;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.syncd.common.ChangeEvent;
import io.syncd.gateway.GatewayProperties;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Queues validated changes on Kafka, then waits (bounded) for their decisions: one result per change, in order. */
@Service
class PushService {
    private final ChangeProducer producer;
    private final DecisionWaiter waiter;
    private final GatewayProperties properties;

    PushService(ChangeProducer producer, DecisionWaiter waiter, GatewayProperties properties) {
        this.producer = producer;
        this.waiter = waiter;
        this.properties = properties;
    }

    ArrayNode push(UUID accountId, List<ChangeEvent> changes, ArrayNode results) {
        if (changes.isEmpty()) {
            return results;
        }
        Map<UUID, ObjectNode> decided;
        try (DecisionWaiter.Wait wait = waiter.expect(accountId)) {
            producer.sendAll(changes);
            decided = wait.await(changes.stream().map(ChangeEvent::changeId).toList(), properties.decisionWait());
        }
        for (ChangeEvent change : changes) {
            ObjectNode result = decided.get(change.changeId());
            results.add(result != null ? result : ChangeResults.pending(change));
        }
        return results;
    }
}

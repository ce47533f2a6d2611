package io.syncd.edge.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.syncd.common.ChangeEvent;
import io.syncd.common.Json;
import io.syncd.edge.web.Violations;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A request's changes re-parenting a record it upserted before: marked {@code immutable_field}, not refused. */
class ChangeValidatorTest {
    private final ArrayNode changes = Json.MAPPER.createArrayNode();

    private void upsert(String table, UUID recordId, long baseVersion, String parentField, String parent) {
        ObjectNode change = changes.addObject().put("change_id", UUID.randomUUID().toString()).put("table", table)
                .put("op", "upsert").put("record_id", recordId.toString()).put("base_version", baseVersion);
        ObjectNode data = change.putObject("data").put(parentField, parent);
        if (table.equals("events")) {
            data.put("name", "e").put("start_time", "2026-11-24T09:00:00Z");
        } else {
            data.putArray("strokes");
        }
    }

    @Test
    void aLaterUpsertNamingAnotherParentThanTheRecordsFirstIsMarkedAndTheOthersAreNot() {
        UUID event = UUID.randomUUID();
        UUID note = UUID.randomUUID();
        UUID bookA = UUID.randomUUID();
        upsert("events", event, 0, "book_id", bookA.toString());
        upsert("events", event, 1, "book_id", UUID.randomUUID().toString());
        upsert("events", event, 1, "book_id", bookA.toString().toUpperCase()); // the same UUID, spelled otherwise
        upsert("notes", note, 0, "event_id", event.toString());
        upsert("notes", note, 1, "event_id", UUID.randomUUID().toString());
        upsert("events", UUID.randomUUID(), 0, "book_id", UUID.randomUUID().toString()); // another record
        Violations violations = new Violations();

        List<ChangeEvent> events = ChangeValidator.validate(changes, "changes", UUID.randomUUID(), UUID.randomUUID(),
                Instant.now(), violations);

        assertThat(violations.isEmpty()).isTrue();
        assertThat(events).extracting(ChangeEvent::rejection)
                .containsExactly(null, "immutable_field", null, null, "immutable_field", null);
    }
}

package io.syncd.standalone.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Every example of the document validates against the schema beside it: what a reader copies from the page works. */
class DocumentExamplesTest {
    private final OpenApiDocument document = OpenApiDocument.load();

    @Test
    void everyRequestExampleMatchesItsSchema() {
        List<String> checked = new ArrayList<>();
        for (OpenApiDocument.Operation op : document.operations()) {
            JsonNode body = op.node().get("requestBody");
            if (body == null) {
                continue;
            }
            for (String type : body.get("content").propertyNames()) {
                JsonNode media = body.get("content").get(type);
                if (media.has("example")) {
                    assertThat(document.validate(media.get("schema"), media.get("example"))).as("%s example", op).isEmpty();
                    checked.add(op.id());
                }
            }
        }
        assertThat(checked).contains("push", "pull", "fullSync", "resolveConflict", "createAccount", "registerDevice");
    }

    /** The validation the tests rely on holds: patterns, if/then rules and formats are enforced, not just read. */
    @Test
    void theValidatorRefusesWhatTheSchemasRefuse() {
        JsonNode push = document.root().at("/components/schemas/PushRequest");
        JsonNode example = document.root().at("/paths/~1api~1sync~1push/post/requestBody/content/application~1json/example");
        JsonNode blankName = JsonNodeFactory.instance.objectNode().set("changes",
                example.get("changes").deepCopy());
        ((ObjectNode) blankName.at("/changes/0/data")).put("name", " ");
        JsonNode deleteWithData = blankName.deepCopy();
        ((ObjectNode) deleteWithData.at("/changes/0")).put("op", "delete");
        ((ObjectNode) deleteWithData.at("/changes/0/data")).put("name", "fine");
        JsonNode badDate = example.deepCopy();
        ((ObjectNode) badDate.at("/changes/1/data")).put("start_time", "2026-11-24 09:00");

        assertThat(document.validate(push, example)).isEmpty();
        assertThat(document.validate(push, blankName)).isNotEmpty();
        assertThat(document.validate(push, deleteWithData)).isNotEmpty();
        assertThat(document.validate(push, badDate)).isNotEmpty();
    }
}

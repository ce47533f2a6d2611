package io.syncd.edge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.node.JsonNodeFactory;

/** Ids on the wire are canonical UUIDs: what {@link UUID#fromString} would also take in shortened forms is refused. */
class JsonObjectTest {

    @ParameterizedTest
    @ValueSource(strings = {"0b5c7f0e-2f4a-4c47-9a43-1d2e3f4a5b6c", "0B5C7F0E-2F4A-4C47-9A43-1D2E3F4A5B6C"})
    void takesCanonicalUuids(String text) {
        Violations violations = new Violations();

        UUID id = JsonObject.uuidValue(JsonNodeFactory.instance.stringNode(text), "data.book_id", violations);

        assertThat(id).isEqualTo(UUID.fromString(text));
        assertThat(violations.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1-1-1-1-1", "", "0b5c7f0e-2f4a-4c47-9a43-1d2e3f4a5b6", "0b5c7f0e-2f4a-4c47-9a43-1d2e3f4a5b6c0",
            "0b5c7f0e2f4a-4c47-9a43-1d2e3f4a5b6c-", "0b5c7f0g-2f4a-4c47-9a43-1d2e3f4a5b6c", "{0b5c7f0e-2f4a-4c47-9a43-1d2e3f4a5b6}"})
    void refusesAnythingElse(String text) {
        Violations violations = new Violations();

        assertThat(JsonObject.uuidValue(JsonNodeFactory.instance.stringNode(text), "data.book_id", violations)).isNull();
        assertThat(violations.isEmpty()).isFalse();
    }
}

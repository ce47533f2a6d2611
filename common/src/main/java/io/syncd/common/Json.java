package io.syncd.common;

import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper every role uses for change data and envelopes (thread-safe, immutable). */
public final class Json {
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }
}

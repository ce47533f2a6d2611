package io.syncd.gateway.web;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.syncd.gateway.errors.ApiException;

/** Parses request bodies strictly: malformed JSON and duplicate keys are 400 {@code invalid_request} with the place. */
public final class JsonBody {
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonBody() {
    }

    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.invalid("", "request body is missing");
        }
        try {
            return STRICT.readTree(body);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.invalid("", "malformed JSON" + where + ": " + e.getOriginalMessage());
        }
    }
}

package io.syncd.edge.errors;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import io.syncd.common.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Renders errors as RFC 9457 problem+json with the protocol's {@code code}; nothing internal ever goes in. */
public final class Problems {
    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private Problems() {
    }

    public static ObjectNode body(HttpStatus status, String code, String detail, List<FieldError> errors) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("type", "about:blank");
        node.put("title", status.getReasonPhrase());
        node.put("status", status.value());
        node.put("code", code);
        node.put("detail", detail);
        if (!errors.isEmpty()) {
            ArrayNode list = node.putArray("errors");
            for (FieldError e : errors) {
                list.addObject().put("field", e.field()).put("message", e.message());
            }
        }
        return node;
    }

    public static ResponseEntity<ObjectNode> entity(ApiException e) {
        return ResponseEntity.status(e.status()).contentType(PROBLEM_JSON)
                .body(body(e.status(), e.code(), e.getMessage(), e.errors()));
    }

    public static ResponseEntity<ObjectNode> entity(HttpStatus status, String code, String detail) {
        return entity(new ApiException(status, code, detail));
    }

    /** For filters, which answer before Spring MVC's converters are involved. */
    public static void write(HttpServletResponse response, ApiException e) throws IOException {
        response.setStatus(e.status().value());
        response.setContentType(PROBLEM_JSON.toString());
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body(e.status(), e.code(), e.getMessage(), e.errors()));
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.getOutputStream().flush();
    }
}

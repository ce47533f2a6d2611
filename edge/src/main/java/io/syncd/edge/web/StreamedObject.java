package io.syncd.edge.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.util.StreamUtils;
import org.springframework.web.HttpMediaTypeNotAcceptableException;

import io.syncd.common.Json;
import tools.jackson.core.JsonGenerator;

/**
 * A JSON object response written while it is made, for answers too large to hold (pull pages). Nothing reaches the
 * response until {@link #start} is first called, so the request can still fail with a problem+json answer before
 * then: call it only once the work that may fail as a whole (opening the database reads) has succeeded.
 */
public final class StreamedObject {
    private final HttpServletResponse response;
    private final Consumer<JsonGenerator> prelude;
    private JsonGenerator generator;

    private StreamedObject(HttpServletResponse response, Consumer<JsonGenerator> prelude) {
        this.response = response;
        this.prelude = prelude;
    }

    /**
     * A response the request accepts as JSON (else 406 {@code not_acceptable}, as for every other answer).
     *
     * @param prelude writes the properties that come first, once the response starts
     */
    public static StreamedObject of(HttpServletRequest request, HttpServletResponse response,
                                    Consumer<JsonGenerator> prelude) throws HttpMediaTypeNotAcceptableException {
        requireJsonAccepted(request);
        request.setAttribute(CompressingResponseFilter.LONG_RESPONSE, true);
        return new StreamedObject(response, prelude);
    }

    /** 406 {@code not_acceptable} unless the request accepts JSON: for work that must not start when it would not. */
    public static void requireJsonAccepted(HttpServletRequest request) throws HttpMediaTypeNotAcceptableException {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && !accept.isBlank()) {
            List<MediaType> accepted;
            try {
                accepted = MediaType.parseMediaTypes(accept);
            } catch (InvalidMediaTypeException e) {
                throw new HttpMediaTypeNotAcceptableException(e.getMessage());
            }
            if (accepted.stream().noneMatch(MediaType.APPLICATION_JSON::isCompatibleWith)) {
                throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON));
            }
        }
    }

    /** The generator inside the object, after the prelude; starts the response on the first call. */
    public JsonGenerator start() {
        if (generator == null) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            try {
                // The container finishes the response; the filters around it (compression, byte counts) wrap its stream.
                generator = Json.MAPPER.createGenerator(StreamUtils.nonClosing(response.getOutputStream()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            generator.writeStartObject();
            prelude.accept(generator);
        }
        return generator;
    }

    /** Ends the object and flushes it. */
    public void finish() {
        start().writeEndObject();
        generator.close();
    }
}

package io.syncd.standalone.contract;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import io.syncd.common.Json;
import io.syncd.standalone.Api;
import tools.jackson.databind.JsonNode;

/** Reads an event stream's answer up to the end of its first event, then leaves: the stream itself never ends. */
final class EventStreams {
    private EventStreams() {
    }

    static Api.Response firstEvent(Api api, HttpRequest request) {
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofInputStream());
            boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = stream ? untilBlankLine(in) : in.readAllBytes();
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            JsonNode body = null;
            if (!stream && !text.isEmpty()) {
                try {
                    body = Json.MAPPER.readTree(text);
                } catch (RuntimeException notJson) {
                    body = null;
                }
            }
            return new Api.Response(response.statusCode(), body, text,
                    response.headers().firstValue("Content-Type").orElse(null), new Read(response, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] untilBlankLine(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b >= 0 && out.size() < 4096; b = in.read()) {
            out.write(b);
            if (b == '\n' && previous == '\n') {
                break;
            }
            previous = b;
        }
        return out.toByteArray();
    }

    /** The answer as far as it was read. */
    private record Read(HttpResponse<InputStream> response, byte[] body) implements HttpResponse<byte[]> {
        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public HttpRequest request() {
            return response.request();
        }

        @Override
        public Optional<HttpResponse<byte[]>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return response.headers();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return response.sslSession();
        }

        @Override
        public URI uri() {
            return response.uri();
        }

        @Override
        public HttpClient.Version version() {
            return response.version();
        }
    }
}

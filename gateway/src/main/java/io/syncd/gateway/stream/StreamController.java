package io.syncd.gateway.stream;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.gateway.GatewayConfiguration;
import io.syncd.gateway.auth.AuthenticatedDevice;

/**
 * {@code GET /api/sync/stream}: the device's change stream (PROTOCOL.md, "Real-time"). The response's headers and first
 * event are written as for any request; then the request is upgraded, so that Tomcat lets go of all it holds for a
 * request and the stream lives on as a bare socket ({@link StreamConnection}).
 */
@RestController
class StreamController {
    private final StreamHub hub;

    StreamController(StreamHub hub) {
        this.hub = hub;
    }

    @GetMapping(path = GatewayConfiguration.STREAM_PATH, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void stream(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice device,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        StreamHub.Opened opened = hub.open(device, lastEventId);
        try {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            // Proxies such as nginx hold a response back to buffer it, which would hold every event back.
            response.setHeader("X-Accel-Buffering", "no");
            // The body ends when the connection does: no chunked framing, which the upgraded socket could not keep up.
            response.setHeader(HttpHeaders.CONNECTION, "close");
            response.getOutputStream().write(opened.firstEvent());
            response.flushBuffer();
            // The response is committed, so the upgrade's 101 status is not sent: the 200 and its events stand.
            hub.upgraded(opened.stream(), request.upgrade(StreamConnection.class));
        } catch (IOException | ServletException | RuntimeException e) {
            hub.abandon(opened.stream());
            throw e;
        }
    }
}

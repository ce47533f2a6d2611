package io.syncd.gateway.stream;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.syncd.gateway.GatewayConfiguration;
import io.syncd.gateway.auth.AuthenticatedDevice;

/** {@code GET /api/sync/stream}: the device's change stream (PROTOCOL.md, "Real-time"). */
@RestController
class StreamController {
    private final StreamHub hub;

    StreamController(StreamHub hub) {
        this.hub = hub;
    }

    @GetMapping(path = GatewayConfiguration.STREAM_PATH, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestAttribute(AuthenticatedDevice.ATTRIBUTE) AuthenticatedDevice device,
                      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                      HttpServletResponse response) {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        // Proxies such as nginx hold a response back to buffer it, which would hold every event back.
        response.setHeader("X-Accel-Buffering", "no");
        return hub.open(device, lastEventId);
    }
}

package io.syncd.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Reading {@code text/event-stream} as the WHATWG spec says, on the server's events (PROTOCOL.md, "Real-time"). */
class EventStreamTest {
    private static EventStream of(String text) {
        return new EventStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsNamedEventsWithIdsAndSkipsHeartbeats() throws Exception {
        EventStream stream = of("event: changed\nid: t-1\ndata: {\"tables\":[\"books\",\"events\"]}\n\n"
                + ": ping\n\n"
                + "event:ready\r\nid:t-2\r\ndata:{}\r\n\r\n"
                + "data: a\ndata: b\nretry: 10\n\n"
                + "event: changed\nid: t-3\n"); // cut before its blank line: never dispatched

        assertThat(stream.next()).contains(new EventStream.Event("changed", "t-1", "{\"tables\":[\"books\",\"events\"]}"));
        assertThat(stream.next()).contains(new EventStream.Event("ready", "t-2", "{}"));
        assertThat(stream.next()).contains(new EventStream.Event("message", null, "a\nb"));
        assertThat(stream.next()).isEmpty();
    }

    @Test
    void aHeartbeatCountsAsTraffic() throws Exception {
        EventStream stream = of(": ping\n\n");
        long before = stream.lastTrafficNanos();
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() > before);
        assertThat(stream.next()).isEmpty();
        assertThat(stream.lastTrafficNanos()).isGreaterThan(before);
    }
}

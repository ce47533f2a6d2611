package io.syncd.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLSocketFactory;

/**
 * Change streams held open and never read after their first event, as devices in the background hold them: each a
 * socket of its own ({@code GET /api/sync/stream} over HTTP/1.1 multiplexes nothing). They are plain sockets, not
 * java.net.http exchanges, so that the bench's side of each is a few hundred bytes of heap: the server runs in the
 * bench's JVM, and its heap per stream is measured with them open. The {@code : ping} heartbeats they get meanwhile
 * wait in the kernel's socket buffers.
 */
final class IdleStreams implements AutoCloseable {
    private static final int OPENERS = 4;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final String host;
    private final int port;
    private final boolean tls;
    /** The first answer other than 200, e.g. 503 past sync.stream.max-connections; null while none. */
    private final AtomicReference<String> refused = new AtomicReference<>();

    IdleStreams(String baseUrl) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.tls = "https".equalsIgnoreCase(uri.getScheme());
        this.port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    }

    /**
     * Opens a stream for each token, a few at a time, each counted once its first event has come; stops at the first
     * refusal (see {@link #refused()}). Returns how many are open.
     */
    int open(List<String> tokens) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(OPENERS);
        try {
            List<Future<?>> openers = new ArrayList<>();
            for (int i = 0; i < OPENERS; i++) {
                openers.add(pool.submit(() -> {
                    int index;
                    while (refused.get() == null && (index = next.getAndIncrement()) < tokens.size()) {
                        openOne(tokens.get(index));
                    }
                    return null;
                }));
            }
            for (Future<?> opener : openers) {
                opener.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return sockets.size();
    }

    String refused() {
        return refused.get();
    }

    int size() {
        return sockets.size();
    }

    private void openOne(String token) throws IOException {
        Socket socket = tls ? SSLSocketFactory.getDefault().createSocket() : new Socket();
        boolean kept = false;
        try {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/sync/stream HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = firstEvent(socket.getInputStream());
            if (!answer.startsWith("HTTP/1.1 200")) {
                refused.compareAndSet(null, answer.lines().findFirst().orElse(answer) + " after " + sockets.size()
                        + " streams");
                return;
            }
            sockets.add(socket);
            kept = true;
        } finally {
            if (!kept) {
                socket.close();
            }
        }
    }

    /** The answer up to the end of its first event (or of its body, or 8 KB): status line, headers, first event. */
    private static String firstEvent(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int length = 0;
        while (length < buffer.length) {
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                break;
            }
            length += read;
            String text = new String(buffer, 0, length, StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.1 200") && text.contains("\r\n\r\n")) {
                return text; // refused: the status line is enough
            }
            int data = text.indexOf("\ndata:");
            if (data >= 0 && text.indexOf("\n\n", data) >= 0) {
                return text;
            }
        }
        throw new IOException("no first event on the stream: "
                + new String(buffer, 0, length, StandardCharsets.UTF_8));
    }

    /** Closes every stream, as devices that leave. */
    @Override
    public void close() {
        synchronized (sockets) {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // gone already
                }
            }
            sockets.clear();
        }
    }
}

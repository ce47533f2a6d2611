package io.syncd.gateway.stream;

import java.io.IOException;
import java.util.concurrent.locks.Lock;

import jakarta.servlet.http.WebConnection;

import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The socket of one change stream once its response has started: Tomcat creates it when {@link StreamController}
 * upgrades the request, and then lets go of the request (its processor, request, response and their buffers, some
 * 90 KB), so an idle stream costs this, its {@link ChangeStream} and the socket. Writes are non-blocking: what the
 * kernel does not take waits here until the socket is writable again, and the next write only starts after it
 * ({@link ChangeStream}'s one write at a time), so a device that never reads costs one event and holds no thread.
 * Reading only tells when the device leaves (end of stream); whatever a device sends is discarded.
 */
public final class StreamConnection implements InternalHttpUpgradeHandler {
    /** Read and discarded; a device has nothing to say on its stream. */
    private static final int DISCARD = 256;

    private StreamHub hub;
    private ChangeStream stream;
    private volatile SocketWrapperBase<?> socket;
    private volatile boolean closed;
    /** Part of a write waits for the socket to be writable. */
    private volatile boolean waiting;

    /** Tomcat makes it (HttpServletRequest.upgrade); {@link #attach} says whose stream it is. */
    public StreamConnection() {
    }

    void attach(StreamHub hub, ChangeStream stream) {
        this.hub = hub;
        this.stream = stream;
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        this.socket = wrapper;
        SocketBuffers.shrink(wrapper);
    }

    /** The response's headers and first event are out and the request is let go of: the stream is live. */
    @Override
    public void init(WebConnection connection) {
        if (hub == null) {
            closed = true; // the controller failed before it could attach the stream: the first dispatch closes it
            return;
        }
        hub.writable(stream);
    }

    @Override
    public SocketState upgradeDispatch(SocketEvent status) {
        if (closed) {
            return SocketState.CLOSED;
        }
        try {
            return switch (status) {
                case OPEN_READ -> discardInput();
                case OPEN_WRITE -> flushed();
                default -> SocketState.CLOSED; // STOP, DISCONNECT, ERROR, TIMEOUT: the connection ends
            };
        } catch (IOException e) {
            return SocketState.CLOSED;
        }
    }

    private SocketState discardInput() throws IOException {
        byte[] discard = new byte[DISCARD];
        int read;
        do {
            read = socket.read(false, discard, 0, discard.length);
        } while (read > 0);
        return read < 0 ? SocketState.CLOSED : SocketState.UPGRADED;
    }

    private SocketState flushed() throws IOException {
        if (socket.flush(false)) {
            socket.registerWriteInterest();
        } else if (waiting) {
            waiting = false;
            hub.writable(stream);
        }
        return SocketState.UPGRADED;
    }

    /**
     * Writes one event without waiting: true when the kernel took all of it; false when some waits for the socket to
     * be writable ({@link StreamHub#writable} follows once it is out).
     *
     * @throws IOException when the device is gone, or the stream is closed or not connected yet
     */
    boolean send(byte[] event) throws IOException {
        SocketWrapperBase<?> wrapper = socket;
        if (wrapper == null || closed) {
            throw new IOException("the stream is not connected");
        }
        Lock lock = wrapper.getLock();
        lock.lock();
        try {
            if (wrapper.isClosed()) {
                throw new IOException("the stream's socket is closed");
            }
            wrapper.write(false, event, 0, event.length);
            if (wrapper.flush(false)) {
                waiting = true;
                wrapper.registerWriteInterest();
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether Tomcat has handed this the socket (the upgrade is done). */
    boolean connected() {
        return socket != null;
    }

    /** Closes the socket (revocation, shutdown, a failed write), from any thread; Tomcat then calls {@link #destroy}. */
    void close() {
        closed = true;
        SocketWrapperBase<?> wrapper = socket;
        if (wrapper == null) {
            return; // the first dispatch closes it
        }
        Lock lock = wrapper.getLock();
        lock.lock();
        try {
            wrapper.close();
        } finally {
            lock.unlock();
        }
    }

    /** The socket is closed, whoever closed it: the stream is forgotten. */
    @Override
    public void destroy() {
        closed = true;
        if (hub != null) {
            hub.closed(stream);
        }
    }

    @Override
    public void timeoutAsync(long now) {
        // no timeout: a stream lasts until the device leaves, is revoked, or the server stops
    }

    @Override
    public void setSslSupport(SSLSupport sslSupport) {
        // the stream only writes events; nothing depends on the client's certificate
    }

    @Override
    public void pause() {
        // the hub closes every stream before the server stops taking connections
    }
}

package io.syncd.gateway.stream;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shrinks the two application buffers Tomcat keeps for a socket (8 KB each by default, sized for requests) while the
 * socket carries a change stream, which writes a few hundred bytes at a time and reads nothing: 16 KB of each idle
 * stream's heap. Tomcat has no setting for one socket, so the buffers are swapped by reflection. Tomcat must not reuse
 * the channel (and its small buffers) for another connection: {@link StreamWebServer} turns its channel pool off
 * ({@code socket.bufferPool=0}). When the fields are not there (another Tomcat), nothing is swapped: the streams still
 * work, with the larger buffers.
 */
final class SocketBuffers {
    private static final Logger log = LoggerFactory.getLogger(SocketBuffers.class);
    /** Enough for the end-of-stream a device's leaving sends; anything else it sends is discarded anyway. */
    private static final int READ = 64;
    /** One event; a longer one is written through it in turns. */
    private static final int WRITE = 512;
    private static final Field READ_BUFFER = field("readBuffer");
    private static final Field WRITE_BUFFER = field("writeBuffer");

    private SocketBuffers() {
    }

    /** Gives an upgraded stream's socket small buffers, unless it has data in them (or is TLS, or direct). */
    static void shrink(SocketWrapperBase<?> wrapper) {
        SocketBufferHandler buffers = swappable(wrapper);
        if (buffers != null && buffers.isReadBufferEmpty() && buffers.isWriteBufferEmpty()) {
            buffers.reset(); // both buffers empty and set for writing into, as fresh ones are
            try {
                READ_BUFFER.set(buffers, ByteBuffer.allocate(READ));
                WRITE_BUFFER.set(buffers, ByteBuffer.allocate(WRITE));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot swap a socket's buffers", e);
            }
        }
    }

    /** The socket's buffers when they can be swapped: a plain (not TLS) channel with heap buffers. */
    private static SocketBufferHandler swappable(SocketWrapperBase<?> wrapper) {
        if (READ_BUFFER == null || WRITE_BUFFER == null || !(wrapper.getSocket() instanceof NioChannel channel)
                || channel.getClass() != NioChannel.class) {
            return null;
        }
        SocketBufferHandler buffers = channel.getBufHandler();
        return buffers == null || buffers.getReadBuffer().isDirect() ? null : buffers;
    }

    private static Field field(String name) {
        try {
            Field field = SocketBufferHandler.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("Change streams keep Tomcat's full socket buffers: {}", e.toString());
            return null;
        }
    }
}

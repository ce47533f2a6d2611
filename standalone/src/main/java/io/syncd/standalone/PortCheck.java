package io.syncd.standalone;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.springframework.core.env.Environment;

/**
 * The ports the process is told to listen on, checked before anything starts: a taken one would otherwise be found
 * only once the embedded PostgreSQL and Kafka had started, which takes from seconds to a minute.
 */
final class PortCheck {
    private PortCheck() {
    }

    /** Fails naming the first setting whose port is taken; ports 0 (any free one) and -1 (none) are not checked. */
    static void ensureFree(Environment env, boolean embedsDatabase, boolean embedsKafka) {
        int serverPort = env.getProperty("server.port", Integer.class, 8080);
        InetAddress address = env.getProperty("server.address", InetAddress.class);
        check("server.port", serverPort, address);
        int managementPort = env.getProperty("management.server.port", Integer.class, serverPort);
        if (managementPort != serverPort) {
            check("management.server.port", managementPort, env.getProperty("management.server.address", InetAddress.class));
        }
        if (embedsDatabase) {
            check("sync.embedded.postgres-port", env.getProperty("sync.embedded.postgres-port", Integer.class, 0),
                    InetAddress.getLoopbackAddress());
        }
        if (embedsKafka) {
            check("sync.embedded.kafka-port", env.getProperty("sync.embedded.kafka-port", Integer.class, 0),
                    InetAddress.getLoopbackAddress());
        }
    }

    /** Binds as the server will (address or every interface; address reuse on, as Tomcat has it), then lets go. */
    private static void check(String setting, int port, InetAddress address) {
        if (port <= 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " (" + setting + ") is in use: stop what listens there, or "
                    + "choose another with --" + setting + "=", e);
        }
    }
}

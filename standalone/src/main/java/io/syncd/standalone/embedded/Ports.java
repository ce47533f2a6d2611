package io.syncd.standalone.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Ports of the embedded servers, kept in a file of the data folder: a restart reuses them, so processes that joined
 * the embedded Kafka or PostgreSQL by address find them again.
 */
final class Ports {
    private final Path file;
    private final Properties saved = new Properties();

    Ports(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                saved.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
    }

    /** The requested port if not 0; else the saved one if it is free; else a free one. */
    int choose(String name, int requested) {
        if (requested != 0) {
            if (!isFree(requested)) {
                throw new IllegalStateException("Port " + requested + " for the embedded " + name + " is in use; choose another");
            }
            return remember(name, requested);
        }
        String previous = saved.getProperty(name);
        if (previous != null && isFree(Integer.parseInt(previous))) {
            return Integer.parseInt(previous);
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return remember(name, socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the embedded " + name, e);
        }
    }

    private int remember(String name, int port) {
        saved.setProperty(name, Integer.toString(port));
        try (Writer out = Files.newBufferedWriter(file)) {
            saved.store(out, "Ports of the embedded servers, reused on restart");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return port;
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

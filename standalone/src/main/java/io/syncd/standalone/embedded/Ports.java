package io.syncd.standalone.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.IntStream;

/**
 * Ports of the embedded servers, kept in a file of the data folder: a restart reuses them, so processes that joined
 * the embedded Kafka or PostgreSQL by address find them again.
 */
final class Ports {
    /** How often a server start tries again on fresh ports when one of its chosen ports turns out to be taken. */
    static final int START_ATTEMPTS = 3;
    private static final int FRESH_TRIES = 10;

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

    /**
     * The requested port if not 0 (it must be free now); else the saved one, even if taken: the caller moves to a
     * {@link #fresh} one, EmbeddedKafka when its bind fails (which also covers a port taken between this choice and
     * the bind), EmbeddedDatabase by checking before it starts.
     */
    int choose(String name, int requested) {
        if (requested != 0) {
            if (!isFree(requested)) {
                throw new IllegalStateException("Port " + requested + " for the embedded " + name + " is in use; choose another");
            }
            return remember(name, requested);
        }
        String previous = saved.getProperty(name);
        return previous != null ? Integer.parseInt(previous) : fresh(name);
    }

    /** A free port, none of {@code others}, saved for {@code name}. */
    int fresh(String name, int... others) {
        for (int tries = 0; tries < FRESH_TRIES; tries++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("No free port for the embedded " + name, e);
            }
            if (IntStream.of(others).noneMatch(other -> other == port)) {
                return remember(name, port);
            }
        }
        throw new IllegalStateException("No free port for the embedded " + name + " other than " + Arrays.toString(others)
                + " in " + FRESH_TRIES + " tries");
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

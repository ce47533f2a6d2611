package io.syncd.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.syncd.standalone.embedded.FileTrees;

/**
 * The peer, side by side: PouchDB-server (CouchDB's protocol, on leveldb, so on disk like us) under the same
 * workload shape. Installed by {@link PeerInstall} (or {@code bench/peer/install.sh}).
 */
final class PouchPeer implements AutoCloseable {
    private final Process process;
    private final Path data;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Workload workload = new Workload(5);

    private PouchPeer(Process process, Path data, int port) {
        this.process = process;
        this.data = data;
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /** Starts pouchdb-server from {@code peerDir}, installed there by {@link PeerInstall}. */
    static PouchPeer start(Path peerDir) throws Exception {
        Path bin = PeerInstall.server(peerDir);
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("PouchDB-server is not installed: no " + bin);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path data = Files.createTempDirectory("pouch-bench-");
        Process process = new ProcessBuilder(bin.toAbsolutePath().toString(), "--port", Integer.toString(port),
                "--dir", data.toString(), "--no-stdout-logs")
                .directory(data.toFile()).redirectErrorStream(true).redirectOutput(data.resolve("log.txt").toFile()).start();
        PouchPeer peer = new PouchPeer(process, data, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (peer.send("GET", "/", null).statusCode() == 200) {
                    return peer;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        peer.close();
        throw new IllegalStateException("pouchdb-server did not start within 60 s");
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String database() throws Exception {
        // The random end of the id: a time-ordered id begins with its time, the same for a minute.
        String name = "bench-" + Workload.id().toString().substring(24);
        HttpResponse<String> created = send("PUT", "/" + name, null);
        if (created.statusCode() != 201) {
            throw new IllegalStateException("pouchdb: " + created.body());
        }
        return name;
    }

    private String bulk(int docs) {
        StringBuilder body = new StringBuilder("{\"docs\":[");
        for (int i = 0; i < docs; i++) {
            body.append(i == 0 ? "" : ",").append("{\"_id\":\"").append(Workload.id()).append("\",\"data\":")
                    .append(workload.event(Workload.id())).append('}');
        }
        return body.append("]}").toString();
    }

    private void bulkDocs(String db, int docs) throws Exception {
        HttpResponse<String> response = send("POST", "/" + db + "/_bulk_docs", bulk(docs));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("pouchdb _bulk_docs: " + response.statusCode() + " " + response.body());
        }
    }

    double bulk50P50(int samples) throws Exception {
        String db = database();
        for (int i = 0; i < 10; i++) {
            bulkDocs(db, 50);
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            bulkDocs(db, 50);
            millis.add(Stats.millisSince(start));
        }
        return Stats.percentile(millis, 50);
    }

    /** Docs per second with {@code clients} concurrent 50-doc {@code _bulk_docs}, counted after {@code warmup} s. */
    double docsPerSecond(int clients, double warmup, double seconds) throws Exception {
        String db = database();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean counting = new AtomicBoolean(false);
        AtomicLong docs = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                loops.add(pool.submit(() -> {
                    while (running.get()) {
                        bulkDocs(db, 50);
                        if (counting.get()) {
                            docs.addAndGet(50);
                        }
                    }
                    return null;
                }));
            }
            TimeUnit.MILLISECONDS.sleep((long) (warmup * 1000));
            counting.set(true);
            long start = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
            counting.set(false);
            running.set(false);
            double elapsed = (System.nanoTime() - start) / 1e9;
            for (Future<?> loop : loops) {
                loop.get(2, TimeUnit.MINUTES);
            }
            return docs.get() / elapsed;
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
    }

    double changes10k(int runs) throws Exception {
        String db = database();
        for (int i = 0; i < 10; i++) {
            bulkDocs(db, 1000);
        }
        double[] times = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            HttpResponse<String> changes = send("GET", "/" + db + "/_changes?include_docs=true", null);
            times[r] = Stats.millisSince(start);
            if (changes.statusCode() != 200 || !changes.body().contains("\"last_seq\"")) {
                throw new IllegalStateException("pouchdb _changes: " + changes.statusCode());
            }
        }
        return Stats.median(times);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        FileTrees.delete(data);
    }
}

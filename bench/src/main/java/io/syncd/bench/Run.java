package io.syncd.bench;

import java.nio.file.Path;

import io.syncd.standalone.SyncServer;
import io.syncd.standalone.embedded.EmbeddedDatabase;

/**
 * What the phases of one run measure against.
 *
 * @param server the embedded default this run started, or null when it measures {@code --url}
 * @param dataDir the embedded default's data folder (null with {@code --url})
 * @param peerMissing why PouchDB-server cannot run here (null: installed)
 */
record Run(Options options, BenchClient client, String url, SyncServer server, Path dataDir, String peerMissing) {
    static final int DEVICES = 16;

    boolean embedded() {
        return server != null;
    }

    EmbeddedDatabase database() {
        return server.infrastructure().database();
    }
}

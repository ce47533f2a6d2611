package io.syncd.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Installs the peer, PouchDB-server, into {@code bench/peer/node_modules} with {@code npm ci} (the versions of
 * {@code package-lock.json}) when it is missing and npm is on the PATH, so that every run compares with it.
 */
final class PeerInstall {
    private static final long LIMIT_MINUTES = 15;

    private final Path peerDir;
    private final String searchPath;

    /** @param searchPath where to look for npm, as the PATH variable lists folders */
    PeerInstall(Path peerDir, String searchPath) {
        this.peerDir = peerDir;
        this.searchPath = searchPath == null ? "" : searchPath;
    }

    static Path server(Path peerDir) {
        return peerDir.resolve("node_modules").resolve(".bin").resolve("pouchdb-server");
    }

    /**
     * Installs PouchDB-server unless it is; returns null once it is installed, or why it cannot be (no npm, no peer
     * folder). A failed install throws, naming its log: it happens before the first phase, not after half an hour.
     */
    String ensure() throws IOException, InterruptedException {
        if (Files.isExecutable(server(peerDir))) {
            return null;
        }
        if (!Files.isRegularFile(peerDir.resolve("package-lock.json"))) {
            return "PouchDB-server not installed and no " + peerDir.resolve("package-lock.json")
                    + " to install it from: run from the repository's root, or pass --peer-dir";
        }
        Path npm = npm();
        if (npm == null) {
            return "PouchDB-server not installed in " + peerDir.resolve("node_modules")
                    + " and npm is not on the PATH: install Node.js (npm), or pass --no-peer";
        }
        Path log = peerDir.resolve("npm-install.log");
        System.out.println("  installing the peer, PouchDB-server: npm ci in " + peerDir + " (2–4 min; output in "
                + log + ")");
        Process npmCi = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund")
                .directory(peerDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npmCi.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
            npmCi.destroyForcibly();
            throw new IllegalStateException("npm ci in " + peerDir + " did not finish within " + LIMIT_MINUTES
                    + " min; its output is in " + log);
        }
        if (npmCi.exitValue() != 0) {
            throw new IllegalStateException("npm ci in " + peerDir + " failed with exit code " + npmCi.exitValue()
                    + "; its output is in " + log + " (or pass --no-peer)");
        }
        if (!Files.isExecutable(server(peerDir))) {
            throw new IllegalStateException("npm ci in " + peerDir + " succeeded but left no " + server(peerDir)
                    + "; its output is in " + log);
        }
        System.out.println("  PouchDB-server installed: " + server(peerDir));
        return null;
    }

    private Path npm() {
        for (String folder : searchPath.split(File.pathSeparator)) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, "npm"))) {
                return Path.of(folder, "npm");
            }
        }
        return null;
    }
}

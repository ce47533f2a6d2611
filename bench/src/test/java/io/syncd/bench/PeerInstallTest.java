package io.syncd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer is installed when it is missing and npm is there. The npm on the PATH here is a script that does what the
 * real one's outcome is (or fails): installing the real PouchDB-server takes minutes and the registry.
 */
class PeerInstallTest {
    @TempDir
    Path tmp;
    Path peerDir;
    Path bin;

    @BeforeEach
    void aPeerFolderAsInTheRepository() throws IOException {
        peerDir = Files.createDirectories(tmp.resolve("peer"));
        Files.writeString(peerDir.resolve("package-lock.json"), "{}");
        bin = Files.createDirectories(tmp.resolve("bin"));
    }

    @Test
    void aMissingPeerIsInstalledWithNpmCiInThePeerFolderItsOutputInALog() throws Exception {
        npm("echo \"npm $*\"; echo \"in $(pwd)\"; mkdir -p node_modules/.bin;"
                + " printf '#!/bin/sh\\n' > node_modules/.bin/pouchdb-server; chmod +x node_modules/.bin/pouchdb-server");

        String missing = new PeerInstall(peerDir, "/nowhere:" + bin).ensure();

        assertThat(missing).isNull();
        assertThat(PeerInstall.server(peerDir)).isExecutable();
        assertThat(Files.readString(peerDir.resolve("npm-install.log")))
                .contains("npm ci --no-audit --no-fund")
                .contains("in " + peerDir.toRealPath());
    }

    @Test
    void anInstalledPeerIsLeftAsItIs() throws Exception {
        npm("exit 1");
        Files.createDirectories(PeerInstall.server(peerDir).getParent());
        Files.createFile(PeerInstall.server(peerDir), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));

        assertThat(new PeerInstall(peerDir, bin.toString()).ensure()).isNull();
        assertThat(peerDir.resolve("npm-install.log")).doesNotExist();
    }

    @Test
    void withoutNpmTheReasonSaysWhatToDo() throws Exception {
        String missing = new PeerInstall(peerDir, bin.toString()).ensure();

        assertThat(missing).contains("npm is not on the PATH").contains("--no-peer");
        assertThat(new PeerInstall(peerDir, null).ensure()).contains("npm is not on the PATH");
    }

    @Test
    void withoutThePeerFolderTheReasonNamesIt() throws Exception {
        npm("exit 1");

        assertThat(new PeerInstall(tmp.resolve("elsewhere"), bin.toString()).ensure())
                .contains("package-lock.json").contains("--peer-dir");
    }

    @Test
    void aFailedInstallStopsTheRunNamingItsLog() throws Exception {
        npm("echo 'npm ERR! network unreachable'; exit 3");

        assertThatThrownBy(() -> new PeerInstall(peerDir, bin.toString()).ensure())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exit code 3")
                .hasMessageContaining(peerDir.resolve("npm-install.log").toString());
        assertThat(Files.readString(peerDir.resolve("npm-install.log"))).contains("network unreachable");
    }

    @Test
    void anInstallThatLeavesNoServerStopsTheRun() throws Exception {
        npm("exit 0");

        assertThatThrownBy(() -> new PeerInstall(peerDir, bin.toString()).ensure())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("left no");
    }

    private void npm(String script) throws IOException {
        Path npm = bin.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}

package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * A revoked device while PostgreSQL is down, with two gateways: the one it was revoked through, and another that
 * had verified its token. Gateways let tokens they verified recently pass during an outage (PROTOCOL.md, "PostgreSQL
 * unreachable"); a revoked one must not pass where the revocation or a refusal was seen, and elsewhere only until
 * {@code sync.gateway.outage-token-age} after its last verification there.
 */
class RevocationDuringOutageTest {
    private static final Duration OTHER_GATEWAY_TOKEN_AGE = Duration.ofSeconds(60);

    @Test
    void aRevokedTokenStopsPassingAtOnceWhereRevokedOrRefusedAndWithinTheTokenAgeElsewhere(@TempDir Path dataDir) {
        int kafkaPort = ServerProcess.freePort();
        int postgresPort = ServerProcess.freePort();
        // A connection attempt to the stopped database fails after 500 ms instead of 3 s: each request of the outage is
        // quick. The other gateway's clock is moved past its token age instead of waiting for it.
        MovedClock otherClock = new MovedClock();
        String quickFailure = "--spring.datasource.hikari.connection-timeout=500";
        try (SyncServer revoking = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir,
                "--sync.admin-token=t", "--sync.gateway.decision-wait=1s", quickFailure,
                "--sync.embedded.kafka-port=" + kafkaPort, "--sync.embedded.postgres-port=" + postgresPort);
                SyncServer other = SyncServer.start(Map.of("clock", otherClock),
                        "--server.port=0", "--sync.data-dir=" + dataDir.resolve("other"),
                        "--sync.roles=gateway", "--sync.admin-token=t", "--sync.gateway.decision-wait=1s", quickFailure,
                        "--sync.gateway.outage-token-age=" + OTHER_GATEWAY_TOKEN_AGE.toSeconds() + "s",
                        "--spring.config.import=file:" + dataDir.resolve("join.properties"))) {
            Api here = apiOf(revoking);
            Api elsewhere = apiOf(other);
            Api.Device owner = here.newDevice();
            Api.Device revokedHere = here.sibling(owner);
            Api.Device refusedElsewhere = here.sibling(owner);
            Api.Device revokedElsewhere = here.sibling(owner);
            for (Api.Device device : new Api.Device[] {owner, revokedHere}) {
                assertThat(ownDevice(here, device)).isEqualTo(200);
            }
            for (Api.Device device : new Api.Device[] {owner, refusedElsewhere, revokedElsewhere}) {
                assertThat(ownDevice(elsewhere, device)).isEqualTo(200);
            }
            for (Api.Device device : new Api.Device[] {revokedHere, refusedElsewhere, revokedElsewhere}) {
                assertThat(here.delete("/api/devices/" + device.deviceId(), owner.token()).status()).isEqualTo(204);
            }
            assertThat(ownDevice(elsewhere, refusedElsewhere)).as("refused while the database answers").isEqualTo(401);

            revoking.infrastructure().database().close();

            assertThat(pushStatus(elsewhere, refusedElsewhere)).as("a token refused since is forgotten").isEqualTo(503);
            assertThat(pushStatus(elsewhere, owner)).as("a verified token passes during the outage").isEqualTo(200);
            assertThat(pushStatus(here, revokedHere)).as("a device revoked here is forgotten at once").isEqualTo(503);
            assertThat(pushStatus(here, owner)).as("a verified token passes during the outage").isEqualTo(200);
            assertThat(pushStatus(elsewhere, revokedElsewhere))
                    .as("a token verified before its revocation elsewhere, younger than outage-token-age")
                    .isEqualTo(200);
            otherClock.forward(OTHER_GATEWAY_TOKEN_AGE.plusSeconds(1));
            assertThat(pushStatus(elsewhere, revokedElsewhere))
                    .as("a token verified before its revocation elsewhere, once outage-token-age old").isEqualTo(503);
            assertThat(pushStatus(elsewhere, owner)).as("as is the owner's, verified as long ago").isEqualTo(503);
        }
    }

    private static Api apiOf(SyncServer server) {
        return new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
    }

    private static int ownDevice(Api api, Api.Device device) {
        return api.get("/api/devices/" + device.deviceId(), device.token()).status();
    }

    /** 200 (answered {@code pending}: the change is on Kafka) when the gateway let the token pass. */
    private static int pushStatus(Api api, Api.Device device) {
        Api.Response push = api.push(device, upsert("books", UUID.randomUUID(), 0, book("during the outage")));
        if (push.status() == 200) {
            assertThat(push.body().get("results").get(0).get("status").stringValue()).isEqualTo("pending");
        } else {
            assertThat(push.code()).as(push.text()).isEqualTo("unavailable");
        }
        return push.status();
    }
}

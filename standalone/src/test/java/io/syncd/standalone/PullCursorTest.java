package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Pull cursors are signed and bound to the database that issued them: one no server made is refused, and one of
 * another database, of an unsigned earlier server, or from beyond the account's history (a restore) tells the device
 * to start again from null instead of silently skipping what the database holds below the cursor.
 */
class PullCursorTest {
    private final Api api = TestServer.api();
    private final JdbcTemplate jdbc = new JdbcTemplate(TestServer.server().context().getBean(DataSource.class));

    private Api.Response pull(Api.Device device, String cursor) {
        return api.post("/api/sync/pull", device.token(), "{\"cursor\":\"" + cursor + "\"}");
    }

    /** A device with three books, and the cursor of its pull to the end. */
    private record Synced(Api.Device device, String cursor) {
    }

    private Synced synced() {
        Api.Device device = api.newDevice();
        for (int i = 0; i < 3; i++) {
            api.push(device, upsert("books", UUID.randomUUID(), 0, book("book " + i)));
        }
        Api.Pulled pulled = api.pullAll(device, null);
        assertThat(pulled.records()).hasSize(3);
        return new Synced(device, pulled.cursor());
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void assertRefused(Api.Response response, int status, String code) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.code()).isEqualTo(code);
        assertThat(response.body().get("errors").get(0).get("field").stringValue()).isEqualTo("cursor");
    }

    @Test
    void aCursorTheServerIssuedGoesOnFromWhereItStopped() {
        Synced synced = synced();
        api.push(synced.device(), upsert("books", UUID.randomUUID(), 0, book("after the cursor")));

        Api.Response next = pull(synced.device(), synced.cursor());

        assertThat(next.status()).as(next.text()).isEqualTo(200);
        assertThat(next.body().get("changes")).hasSize(1);
    }

    @Test
    void aForgedOrTamperedCursorIs400() {
        Synced synced = synced();
        byte[] issued = Base64.getUrlDecoder().decode(synced.cursor());
        byte[] tampered = issued.clone();
        tampered[24] ^= 1; // the position's last byte: "start after another position"
        byte[] resigned = issued.clone();
        resigned[issued.length - 1] ^= 1;

        for (String forged : new String[] {base64(tampered), base64(resigned), base64(new byte[58]), "not*base64",
                base64("c2.5.0.15".getBytes(StandardCharsets.US_ASCII))}) {
            assertRefused(pull(synced.device(), forged), 400, "invalid_request");
        }
    }

    @Test
    void anUnsignedCursorOfAnEarlierServerTellsTheDeviceToStartAgain() {
        Synced synced = synced();

        Api.Response response = pull(synced.device(), base64("c1.999999.2.15".getBytes(StandardCharsets.US_ASCII)));

        assertRefused(response, 409, "cursor_reset");
        assertThat(api.pullAll(synced.device(), null).records()).as("from null, everything").hasSize(3);
    }

    @Test
    void aCursorOfAnotherDatabaseTellsTheDeviceToStartAgain() {
        Synced synced = synced();
        // What a new database (another server, or this one restored and given a new identity) looks like.
        jdbc.update("UPDATE server_identity SET database_id = gen_random_uuid()");

        assertRefused(pull(synced.device(), synced.cursor()), 409, "cursor_reset");

        jdbc.update("UPDATE server_identity SET cursor_key = decode(replace(gen_random_uuid()::text, '-', ''), 'hex')");
        assertRefused(pull(synced.device(), synced.cursor()), 409, "cursor_reset");
        String fresh = api.pullAll(synced.device(), null).cursor();
        assertThat(pull(synced.device(), fresh).status()).isEqualTo(200);
    }

    @Test
    void aCursorBeyondTheAccountsHistoryTellsTheDeviceToStartAgain() {
        Synced synced = synced();
        // A restore from a backup taken before the device's last pull: the account's history ends below the cursor.
        jdbc.update("UPDATE accounts SET change_seq = 1 WHERE id = ?::uuid", synced.device().accountId());

        assertRefused(pull(synced.device(), synced.cursor()), 409, "cursor_reset");
    }

    @Test
    void aFullSyncWithARefusedCursorQueuesNothingOfItsPush() {
        Synced synced = synced();
        for (String cursor : new String[] {base64(new byte[58]), base64("c1.3.0.15".getBytes(StandardCharsets.US_ASCII))}) {
            UUID changeId = UUID.randomUUID();
            String body = "{\"cursor\":\"" + cursor + "\",\"changes\":[{\"change_id\":\"" + changeId + "\",\"table\":\"books\","
                    + "\"op\":\"upsert\",\"record_id\":\"" + UUID.randomUUID() + "\",\"base_version\":0,\"data\":{\"name\":\"x\"}}]}";

            Api.Response response = api.post("/api/sync/full", synced.device().token(), body);

            assertThat(response.status()).as(response.text()).isIn(400, 409);
            assertThat(api.get("/api/sync/changes/" + changeId, synced.device().token()).status()).isEqualTo(404);
        }
    }
}

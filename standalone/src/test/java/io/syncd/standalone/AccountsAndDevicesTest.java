package io.syncd.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Accounts, enrollment keys and device registration. */
class AccountsAndDevicesTest {
    private final Api api = TestServer.api();

    @Test
    void anAccountsEnrollmentKeyRegistersDevicesThatSeeEachOther() {
        Api.Response account = api.post("/api/accounts", null, "{\"name\":\"Alice\"}");
        assertThat(account.status()).isEqualTo(201);
        String key = account.body().get("enrollment_key").stringValue();
        assertThat(key.length()).isGreaterThanOrEqualTo(43 + 37);

        Api.Response tablet = api.post("/api/devices/register", null,
                "{\"enrollment_key\":\"" + key + "\",\"device_name\":\"Alice's tablet\",\"platform\":\"android\"}");
        assertThat(tablet.status()).isEqualTo(201);
        JsonNode body = tablet.body();
        assertThat(body.get("account_id").stringValue()).isEqualTo(account.body().get("account_id").stringValue());
        assertThat(body.get("registered_at").stringValue()).endsWith("Z");
        String token = body.get("device_token").stringValue();

        JsonNode device = api.get("/api/devices/" + body.get("device_id").stringValue(), token).body();
        assertThat(device.get("device_name").stringValue()).isEqualTo("Alice's tablet");
        assertThat(device.get("platform").stringValue()).isEqualTo("android");
        assertThat(device.get("is_active").booleanValue()).isTrue();
        assertThat(device.has("last_sync_at")).isTrue();
    }

    @Test
    void theServerKeepsOnlyHashesOfTokensAndEnrollmentKeys() throws Exception {
        Api.Device device = api.newDevice();
        String secret = device.token().substring(37);
        String keySecret = device.enrollmentKey().substring(37);
        assertThat(secret).hasSize(43);
        var db = TestServer.server().infrastructure().database();
        try (var conn = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             var ps = conn.prepareStatement("SELECT (SELECT count(*) FROM devices d WHERE d::text LIKE ?)"
                     + " + (SELECT count(*) FROM accounts a WHERE a::text LIKE ?)"
                     + " + (SELECT count(*) FROM devices d WHERE d::text LIKE ?)"
                     + " + (SELECT count(*) FROM accounts a WHERE a::text LIKE ?)")) {
            ps.setString(1, "%" + secret + "%");
            ps.setString(2, "%" + secret + "%");
            ps.setString(3, "%" + keySecret + "%");
            ps.setString(4, "%" + keySecret + "%");
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows holding a secret in clear").isZero();
            }
        }
        assertThat(api.get("/api/devices/" + device.deviceId(), device.token()).status()).isEqualTo(200);
    }

    @Test
    void aWrongEnrollmentKeyIsUnauthorized() {
        Api.Response account = api.post("/api/accounts", null, "{\"name\":\"Alice\"}");
        String key = account.body().get("enrollment_key").stringValue();
        String wrong = key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");

        Api.Response response = api.post("/api/devices/register", null,
                "{\"enrollment_key\":\"" + wrong + "\",\"device_name\":\"x\"}");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.code()).isEqualTo("unauthorized");
    }

    @Test
    void accountNameAndDeviceNameAreValidated() {
        assertThat(api.post("/api/accounts", null, "{\"name\":\"  \"}").code()).isEqualTo("invalid_request");
        assertThat(api.post("/api/accounts", null, "{}").code()).isEqualTo("invalid_request");
        assertThat(api.post("/api/accounts", null, "{\"name\":\"" + "x".repeat(201) + "\"}").code())
                .isEqualTo("invalid_request");
        assertThat(api.post("/api/devices/register", null, "{\"enrollment_key\":\"k\"}").code())
                .isEqualTo("invalid_request");
    }
}

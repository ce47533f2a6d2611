package io.syncd.standalone;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Guarantee 5: a device reads and writes its own account only. */
class IsolationTest {
    private final Api api = TestServer.api();

    @Test
    void aDeviceNeverPullsAnotherAccountsRecords() {
        Api.Device alice = api.newDevice();
        Api.Device bob = api.newDevice();
        api.push(alice, upsert("books", UUID.randomUUID(), 0, book("alice's")));

        assertThat(api.pullAll(bob, null).records()).isEmpty();
    }

    @Test
    void writingAnotherAccountsRecordIdNeverTouchesTheirRecord() {
        Api.Device alice = api.newDevice();
        Api.Device bob = api.newDevice();
        UUID bookId = UUID.randomUUID();
        api.push(alice, upsert("books", bookId, 0, book("alice's")));

        JsonNode update = api.push(bob, upsert("books", bookId, 1, book("bob was here"))).body().get("results").get(0);
        JsonNode delete = api.push(bob, Api.delete("books", bookId, 1)).body().get("results").get(0);

        assertThat(update.get("status").stringValue()).isEqualTo("conflict");
        assertThat(update.get("server_record").isNull()).isTrue();
        assertThat(delete.get("error").get("code").stringValue()).isEqualTo("not_found");
        JsonNode record = api.pullAll(alice, null).records().get(0);
        assertThat(record.get("version").longValue()).isEqualTo(1);
        assertThat(record.get("data").get("name").stringValue()).isEqualTo("alice's");
    }

    @Test
    void aChildCannotReferenceAnotherAccountsParent() {
        Api.Device alice = api.newDevice();
        Api.Device bob = api.newDevice();
        UUID aliceBook = UUID.randomUUID();
        api.push(alice, upsert("books", aliceBook, 0, book("alice's")));

        JsonNode result = api.push(bob, upsert("events", UUID.randomUUID(), 0, event(aliceBook, "sneaky")))
                .body().get("results").get(0);

        assertThat(result.get("error").get("code").stringValue()).isEqualTo("missing_parent");
    }

    @Test
    void anotherAccountsChangesAndDevicesAreNotFound() {
        Api.Device alice = api.newDevice();
        Api.Device bob = api.newDevice();
        UUID changeId = UUID.randomUUID();
        api.push(alice, Api.change(changeId, "books", "upsert", UUID.randomUUID(), 0, book("alice's")));

        Api.Response change = api.get("/api/sync/changes/" + changeId, bob.token());
        Api.Response device = api.get("/api/devices/" + alice.deviceId(), bob.token());
        Api.Response revoke = api.delete("/api/devices/" + alice.deviceId(), bob.token());

        assertThat(change.status()).isEqualTo(404);
        assertThat(device.status()).isEqualTo(404);
        assertThat(revoke.status()).isEqualTo(404);
        assertThat(api.get("/api/devices/" + alice.deviceId(), alice.token()).body().get("is_active").booleanValue())
                .isTrue();
        assertThat(api.get("/api/devices", bob.token()).body().get("devices"))
                .extracting(d -> d.get("device_id").stringValue()).containsExactly(bob.deviceId());
    }

    @Test
    void reusingAnotherAccountsChangeIdNeitherLeaksNorBlocksTheirDecision() {
        Api.Device alice = api.newDevice();
        Api.Device bob = api.newDevice();
        UUID changeId = UUID.randomUUID();
        UUID alicesBook = UUID.randomUUID();
        UUID bobsBook = UUID.randomUUID();
        api.push(alice, Api.change(changeId, "books", "upsert", alicesBook, 0, book("alice's")));

        JsonNode bobs = api.push(bob, Api.change(changeId, "books", "upsert", bobsBook, 0, book("bob's")))
                .body().get("results").get(0);

        assertDecision(bobs, "applied", bobsBook);
        assertThat(bobs.get("version").longValue()).isEqualTo(1);
        assertDecision(lookUp(bob, changeId), "applied", bobsBook);
        assertDecision(lookUp(alice, changeId), "applied", alicesBook);
        assertThat(api.pullAll(bob, null).records()).extracting(r -> r.get("data").get("name").stringValue())
                .containsExactly("bob's");
        assertThat(api.pullAll(alice, null).records()).extracting(r -> r.get("data").get("name").stringValue())
                .containsExactly("alice's");
    }

    /** A conflict's answer is read back from sync_log (a signal cannot carry it): it must be read from this account's. */
    @Test
    void aConflictOnAnotherAccountsChangeIdAnswersThisAccountsOwnRecord() {
        Api.Device alice = api.newDevice();
        Api.Device bob = api.newDevice();
        UUID changeId = UUID.randomUUID();
        UUID alicesBook = UUID.randomUUID();
        UUID bobsBook = UUID.randomUUID();
        api.push(alice, Api.change(changeId, "books", "upsert", alicesBook, 0, book("alice's")));
        api.push(bob, upsert("books", bobsBook, 0, book("bob's")));

        JsonNode bobs = api.push(bob, Api.change(changeId, "books", "upsert", bobsBook, 0, book("bob's again")))
                .body().get("results").get(0);

        assertDecision(bobs, "conflict", bobsBook);
        assertThat(bobs.get("server_record").get("record_id").stringValue()).isEqualTo(bobsBook.toString());
        assertThat(bobs.get("server_record").get("data").get("name").stringValue()).isEqualTo("bob's");
        assertDecision(lookUp(bob, changeId), "conflict", bobsBook);
        assertDecision(lookUp(alice, changeId), "applied", alicesBook);
    }

    private JsonNode lookUp(Api.Device device, UUID changeId) {
        Api.Response lookup = api.get("/api/sync/changes/" + changeId, device.token());
        assertThat(lookup.status()).as(lookup.text()).isEqualTo(200);
        return lookup.body();
    }

    private static void assertDecision(JsonNode result, String status, UUID recordId) {
        assertThat(result.get("status").stringValue()).as(result.toString()).isEqualTo(status);
        assertThat(result.get("record_id").stringValue()).as(result.toString()).isEqualTo(recordId.toString());
    }
}
